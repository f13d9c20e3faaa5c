"""What the search index reads from a rollout: the searchable text of each line.

Only ``transcript_item`` lines hold what was said (the ``event_msg`` copies of the same messages
would be indexed twice), and of those only the messages the user typed, the assistant's answers
and tool output. The Codex CLI's rollouts (indexed read-only beside lha's) hold the same in
``response_item`` lines, where tool output is a ``function_call_output`` or
``custom_tool_call_output`` whose output may also be content parts; its developer messages
(permissions, skills) are instructions, like lha's session prefix, and are skipped.
Session-prefix messages (instructions, environment context, skills) are never indexed, and every
text passes through ``redact_secrets`` first, so a key pasted into a chat is
neither stored nor findable. The same function gives the text a snippet is cut from, so what is
shown always matches what was indexed.

Lines are pre-filtered on their bytes and parsed with ``json`` rather than the rollout models: most
lines are events the index skips, and a full build must run at tens of MB/s.
"""

from __future__ import annotations

import json
from enum import IntEnum

from core.records import Record
from core.rollout.session_prefix import is_session_prefix_text
from core.secrets import redact_secrets

MAX_INDEXED_CHARS = 64 * 1024
"""Text indexed per line at most: a 5 MB log pasted by a tool is searchable by its head only."""

_TRANSCRIPT_MARKS = (b'"type":"transcript_item"', b'"type":"response_item"')
_TOOL_OUTPUT_KINDS = frozenset(
    {"tool_call_output", "function_call_output", "custom_tool_call_output"}
)
_META_MARK = b'"type":"session_meta"'
_HEAD_WINDOW = 120
"""The record type sits right after the timestamp, within this many bytes of the line start."""


class Role(IntEnum):
    """Who said it; stored as a small integer to keep the index compact."""

    USER = 0
    ASSISTANT = 1
    TOOL = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class LineText(Record):
    """The searchable text of one rollout line (a tuple: a bulk build pickles millions)."""

    role: Role
    text: str


class SessionHead(Record):
    """What the index keeps about a session, from its ``session_meta`` line."""

    thread_id: str
    cwd: str
    created_at: str


def _message_parts(payload: dict[str, object]) -> list[str]:
    parts = payload.get("content")
    if not isinstance(parts, list):
        return []
    return [
        part["text"]
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("text"), str)
    ]


def _payload_text(payload: dict[str, object]) -> LineText | None:
    kind = payload.get("type")
    if kind == "message":
        role = payload.get("role")
        if role not in ("user", "assistant"):
            return None
        parts = _message_parts(payload)
        if role == "user" and any(is_session_prefix_text(part) for part in parts):
            return None
        return LineText(Role.USER if role == "user" else Role.ASSISTANT, "".join(parts))
    if kind in _TOOL_OUTPUT_KINDS:
        output = _output_text(payload.get("output"))
        return LineText(Role.TOOL, output) if output is not None else None
    return None


def _output_text(output: object) -> str | None:
    """A tool's output as text: a string, or the Codex CLI's content parts (``[{"type":
    "input_text", "text": ...}]``), possibly inside ``{"content": ..., "success": ...}``."""
    if isinstance(output, dict):
        output = output.get("content")
    if isinstance(output, str):
        return output
    if isinstance(output, list):
        return "\n".join(_message_parts({"content": output}))
    return None


def line_text(raw: bytes) -> LineText | None:
    """The searchable text of one rollout line (redacted, capped), or None when it has none.

    A user message with no text (an image alone) still counts, with ``text == ""``, because it
    is a user turn; the caller decides not to index empty text.
    """
    head = raw[:_HEAD_WINDOW]
    if _TRANSCRIPT_MARKS[0] not in head and _TRANSCRIPT_MARKS[1] not in head:
        return None
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    payload = record.get("payload") if isinstance(record, dict) else None
    if not isinstance(payload, dict):
        return None
    found = _payload_text(payload)
    if found is None or not found.text:
        return found
    return LineText(found.role, redact_secrets(found.text[:MAX_INDEXED_CHARS]))


def session_head(raw: bytes) -> SessionHead | None:
    """The thread id, folder and creation time of a ``session_meta`` line, else None."""
    if _META_MARK not in raw[:_HEAD_WINDOW]:
        return None
    try:
        payload = json.loads(raw).get("payload")
    except (ValueError, RecursionError, AttributeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        return None
    cwd = payload.get("cwd")
    created = payload.get("timestamp")
    return SessionHead(
        thread_id=payload["id"],
        cwd=cwd if isinstance(cwd, str) else "",
        created_at=created if isinstance(created, str) else "",
    )
