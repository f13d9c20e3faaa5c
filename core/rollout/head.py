"""Reading just the head of a rollout: enough for one row of the session list.

A list of thousands of sessions must open only the files it shows and only their first lines:
the ``session_meta`` (within the first records) and the first message the user really typed
(scanning a bounded number of lines, since the agent's injected context comes first).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.protocol.events import UserMessageEvent
from core.protocol.items import MessageItem
from core.protocol.rollout import EventRecord, RolloutLine, SessionMetaRecord, TranscriptRecord
from core.protocol.session import SessionMeta
from core.rollout.session_prefix import is_real_user_message

HEAD_RECORD_LIMIT = 10
"""``session_meta`` must be among this many first non-blank lines."""
HEAD_LINE_LIMIT = 200
"""Lines scanned for the first real user message."""
HEAD_BYTE_LIMIT = 4 * 1024 * 1024
"""Bytes read at most per file (base instructions and pasted prompts can be large)."""
_FIRST_CHUNK = 32 * 1024
PREVIEW_MAX_CHARS = 1000


@dataclass(frozen=True)
class RolloutHead:
    meta: SessionMeta
    preview: str


def _preview_of(line: RolloutLine) -> str | None:
    item = line.item
    if isinstance(item, TranscriptRecord):
        payload = item.payload
        if isinstance(payload, MessageItem) and is_real_user_message(payload):
            return payload.text().strip() or "[image]"
    elif isinstance(item, EventRecord) and isinstance(item.payload, UserMessageEvent):
        return item.payload.message.strip() or "[image]"
    return None


def _parse(raw: bytes) -> RolloutLine | None:
    try:
        return RolloutLine.parse(raw)
    except (ValueError, RecursionError):
        return None


def read_head(path: Path) -> RolloutHead | None:
    """The session_meta and first real user message of ``path``; None if either is missing.

    Blocking (it runs in a worker thread for the listing). Unreadable files count as missing.
    """
    meta: SessionMeta | None = None
    records = 0
    lines_seen = 0
    try:
        with open(path, "rb") as file:
            carry = b""
            read_total = 0
            chunk_size = _FIRST_CHUNK
            while read_total < HEAD_BYTE_LIMIT:
                chunk = file.read(min(chunk_size, HEAD_BYTE_LIMIT - read_total))
                at_eof = not chunk
                read_total += len(chunk)
                chunk_size *= 2
                pieces = (carry + chunk).split(b"\n")
                carry = b"" if at_eof else pieces.pop()
                for raw in pieces:
                    if not raw or raw.isspace():
                        continue
                    records += 1
                    lines_seen += 1
                    if meta is None:
                        if records > HEAD_RECORD_LIMIT:
                            return None
                        if b"session_meta" in raw:
                            line = _parse(raw)
                            if line is not None and isinstance(line.item, SessionMetaRecord):
                                meta = line.item.payload
                                continue
                    # Cheap pre-filter: every line that can hold a user message says "user".
                    if b"user" in raw:
                        line = _parse(raw)
                        preview = _preview_of(line) if line is not None else None
                        if preview is not None:
                            if meta is None:
                                continue
                            return RolloutHead(meta, preview[:PREVIEW_MAX_CHARS])
                    if lines_seen >= HEAD_LINE_LIMIT:
                        return None
                if at_eof:
                    return None
    except OSError:
        return None
    return None
