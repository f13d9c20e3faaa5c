"""Reading just the head of a rollout: enough for one row of the session list.

A list of thousands of sessions must open only the files it shows and only their first lines:
the ``session_meta`` (within the first records) and the first message the user really typed
(scanning a bounded number of lines, since the agent's injected context comes first). The Codex
CLI's rollouts hold that message in a ``response_item`` line, read through its format's module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from core.fs import open_regular_file
from core.protocol.events import UserMessageEvent
from core.protocol.items import MessageItem
from core.protocol.rollout import (
    EventRecord,
    RolloutLine,
    SessionMetaRecord,
    TranscriptRecord,
    TurnContextRecord,
)
from core.protocol.session import SessionMeta
from core.rollout.session_prefix import is_real_user_message
from core.text import IMAGE_PLACEHOLDER

HEAD_RECORD_LIMIT = 10
"""``session_meta`` must be among this many first non-blank lines."""
HEAD_LINE_LIMIT = 200
"""Lines scanned for the first real user message."""
HEAD_BYTE_LIMIT = 4 * 1024 * 1024
"""Bytes read at most per file (base instructions and pasted prompts can be large)."""
_FIRST_CHUNK = 32 * 1024
PREVIEW_MAX_CHARS = 1000


MODEL_LOOKAHEAD = 8
"""Lines after the first user message scanned for its ``turn_context`` (which names the model)."""


@dataclass(frozen=True)
class RolloutHead:
    meta: SessionMeta
    preview: str
    model: str | None = None
    """The model of the first turn (None when its turn_context is not within reach)."""


def _preview_of(line: RolloutLine) -> str | None:
    item = line.item
    if isinstance(item, TranscriptRecord):
        payload = item.payload
        if isinstance(payload, MessageItem) and is_real_user_message(payload):
            return payload.text().strip() or IMAGE_PLACEHOLDER
    elif isinstance(item, EventRecord) and isinstance(item.payload, UserMessageEvent):
        return item.payload.message.strip() or IMAGE_PLACEHOLDER
    return None


def _codex_preview(raw: bytes) -> str | None:
    """The first real user message of a Codex CLI ``response_item`` line, if it is one."""
    from core.rollout.codex_format import CodexLineError, convert_line

    try:
        items = convert_line(json.loads(raw))
    except (CodexLineError, ValueError, RecursionError):
        return None
    for item in items:
        payload = item.payload
        if isinstance(payload, MessageItem) and is_real_user_message(payload):
            return payload.text().strip() or "[image]"
    return None


def _parse(raw: bytes) -> RolloutLine | None:
    try:
        return RolloutLine.parse(raw)
    except (ValueError, RecursionError):
        return None


def read_head(path: Path) -> RolloutHead | None:
    """The session_meta, first real user message and first model of ``path``; None if the
    meta or the message is missing.

    Blocking (it runs in a worker thread for the listing). Unreadable files count as missing.
    """
    meta: SessionMeta | None = None
    preview: str | None = None
    records = 0
    lines_seen = 0
    after_preview = 0
    try:
        with open_regular_file(path) as file:
            for raw in _head_lines(file):
                if not raw or raw.isspace():
                    continue
                records += 1
                lines_seen += 1
                if preview is not None:  # the first turn's model, if it follows closely
                    after_preview += 1
                    if b"turn_context" in raw:
                        line = _parse(raw)
                        if line is not None and isinstance(line.item, TurnContextRecord):
                            assert meta is not None  # a preview is only taken after the meta
                            return RolloutHead(meta, preview, line.item.payload.model)
                    if after_preview >= MODEL_LOOKAHEAD:
                        break
                    continue
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
                    found = _preview_of(line) if line is not None else None
                    if line is None and b"response_item" in raw:
                        found = _codex_preview(raw)
                    if found is not None and meta is not None:
                        preview = found[:PREVIEW_MAX_CHARS]
                        continue
                if lines_seen >= HEAD_LINE_LIMIT:
                    return None
    except OSError:
        return None
    if meta is None or preview is None:
        return None
    return RolloutHead(meta, preview)


def _head_lines(file: BinaryIO) -> Iterator[bytes]:
    """The file's lines, read in growing chunks, up to ``HEAD_BYTE_LIMIT`` bytes."""
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
        yield from pieces
        if at_eof:
            return


def read_session_meta(path: Path) -> SessionMeta:
    """The ``session_meta`` on the first line of ``path``; one line saying what is wrong when
    it is not a readable rollout."""
    from core.errors import InvalidRequest

    try:
        with open_regular_file(path) as handle:
            first = handle.readline()
        item = RolloutLine.parse(first).item
    except (OSError, ValueError) as err:
        raise InvalidRequest(f"{path}: not a readable rollout ({err})") from None
    if not isinstance(item, SessionMetaRecord):
        raise InvalidRequest(f"{path}: its first line is not a session_meta")
    return item.payload
