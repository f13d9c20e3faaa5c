"""The first page of past sessions, read for lha's very first frame.

Reading the newest fifty rollout heads takes a few milliseconds; importing the protocol models
that ``core.rollout.listing`` parses them with takes far longer than drawing the first frame. So
this page is read with ``json`` alone, by the same rules (the ``session_meta`` among the first
records, the first message the user typed, the model of its turn), and the full reader takes
over for the next pages from the cursor this one ends at. A test holds both to the same rows.
A best effort for display only: a head this reader cannot make out is skipped, as there.
"""

from __future__ import annotations

import heapq
import json
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from core.protocol.ids import ThreadId
from core.rollout.paths import (
    RolloutFileName,
    day_folders_desc,
    parse_rollout_file_name,
    sessions_root,
)
from core.rollout.session_prefix import is_session_prefix_text
from core.text import IMAGE_PLACEHOLDER
from tui.fork_families import family_order
from tui.thread_rows import RowsPage, ThreadRow

HEAD_RECORD_LIMIT = 10
"""``session_meta`` must be among this many first non-blank lines (as core.rollout.head)."""
HEAD_LINE_LIMIT = 200
"""Lines scanned for the first real user message."""
MODEL_LOOKAHEAD = 8
"""Lines after the first user message scanned for its ``turn_context``."""
HEAD_BYTE_LIMIT = 4 * 1024 * 1024
"""Bytes read at most per file."""
FIRST_CHUNK = 32 * 1024
PREVIEW_MAX_CHARS = 1000


def read_first_page(lha_home: Path, size: int, extra_roots: Sequence[Path] = ()) -> RowsPage:
    """The ``size`` newest past sessions (by creation), as the sidebar lists them, with those
    in ``extra_roots`` (the Codex CLI's) merged in by the same order."""
    rows: list[ThreadRow] = []
    walks = [_newest_first(root) for root in (sessions_root(lha_home), *extra_roots)]
    names = heapq.merge(*walks, key=lambda found: found[1], reverse=True)
    for folder, name in names:
        row = _row(folder / f"rollout-{name.stamp}-{name.thread_id}.jsonl", name)
        if row is not None:
            rows.append(row)
        if len(rows) == size:
            more = next(names, None) is not None
            return RowsPage(family_order(rows), f"{name.stamp}|{name.thread_id}" if more else None)
    return RowsPage(family_order(rows), None)


def _newest_first(root: Path) -> Iterator[tuple[Path, RolloutFileName]]:
    for _date, folder in day_folders_desc(root):
        yield from ((folder, name) for name in _rollouts_desc(folder))


def _rollouts_desc(folder: Path) -> list[RolloutFileName]:
    found: list[RolloutFileName] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("rollout-") and entry.name.endswith(".jsonl"):
                    parsed = parse_rollout_file_name(entry.name)
                    if parsed is not None and entry.is_file():
                        found.append(parsed)
    except OSError:
        return []
    return sorted(found, reverse=True)


def _row(path: Path, name: RolloutFileName) -> ThreadRow | None:
    head = _read_head(path)
    if head is None:
        return None
    meta, preview, model = head
    try:
        thread_id = ThreadId(meta["id"])
        forked = meta.get("forked_from_id")
        forked_from_id = ThreadId(forked) if forked is not None else None
    except (ValueError, TypeError):
        return None
    provider = meta.get("model_provider")
    return ThreadRow(
        thread_id=thread_id,
        preview=preview,
        created_at=_parse_iso(meta["timestamp"]) or name.created_at,
        live=False,
        model=model or (provider if isinstance(provider, str) else None),
        forked_from_id=forked_from_id,
        path=path,
        cwd=meta["cwd"],
        origin="lha" if meta.get("originator", "lha") == "lha" else "codex",
    )


def _read_head(path: Path) -> tuple[dict[str, Any], str, str | None] | None:
    """(session_meta payload, first real user message, its turn's model), or None."""
    try:
        with open(path, "rb") as file:
            return _scan_head(_head_lines(file))
    except OSError:
        return None


def _scan_head(lines: Iterator[bytes]) -> tuple[dict[str, Any], str, str | None] | None:
    meta: dict[str, Any] | None = None
    preview: str | None = None
    records = after_preview = 0
    for raw in lines:
        if not raw or raw.isspace():
            continue
        records += 1
        if preview is not None:
            assert meta is not None
            after_preview += 1
            if b"turn_context" in raw:
                payload = _payload(raw, "turn_context")
                if payload is not None and isinstance(payload.get("model"), str):
                    return meta, preview, payload["model"]
            if after_preview >= MODEL_LOOKAHEAD:
                break
            continue
        if meta is None:
            if records > HEAD_RECORD_LIMIT:
                return None
            if b"session_meta" in raw:
                payload = _payload(raw, "session_meta")
                if payload is not None and _is_meta(payload):
                    meta = payload
                    continue
        if b"user" in raw:
            found = _user_text(raw)
            if found is not None and meta is not None:
                preview = found[:PREVIEW_MAX_CHARS]
                continue
        if records >= HEAD_LINE_LIMIT:
            return None
    if meta is None or preview is None:
        return None
    return meta, preview, None


def _head_lines(file: BinaryIO) -> Iterator[bytes]:
    """The file's lines, read in growing chunks, up to ``HEAD_BYTE_LIMIT`` bytes."""
    carry = b""
    read_total = 0
    chunk_size = FIRST_CHUNK
    while read_total < HEAD_BYTE_LIMIT:
        chunk = file.read(min(chunk_size, HEAD_BYTE_LIMIT - read_total))
        read_total += len(chunk)
        chunk_size *= 2
        pieces = (carry + chunk).split(b"\n")
        carry = pieces.pop() if chunk else b""
        yield from pieces
        if not chunk:
            return


def _payload(raw: bytes, *kinds: str) -> dict[str, Any] | None:
    """The payload of a rollout line whose type is one of ``kinds``."""
    try:
        line = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(line, dict) or line.get("type") not in kinds:
        return None
    payload = line.get("payload")
    return payload if isinstance(payload, dict) else None


def _is_meta(payload: dict[str, Any]) -> bool:
    return all(isinstance(payload.get(key), str) for key in ("id", "timestamp", "cwd"))


def _user_text(raw: bytes) -> str | None:
    """The text of a message the user typed, from a transcript item (the Codex CLI's
    ``response_item``) or a user_message event."""
    payload = _payload(raw, "transcript_item", "response_item", "event_msg")
    if payload is None:
        return None
    if payload.get("type") == "user_message" and isinstance(payload.get("message"), str):
        return payload["message"].strip() or IMAGE_PLACEHOLDER
    if payload.get("type") != "message" or payload.get("role") != "user":
        return None
    parts = payload.get("content")
    if not isinstance(parts, list) or not all(isinstance(part, dict) for part in parts):
        return None
    texts = [part.get("text") for part in parts if part.get("type") != "input_image"]
    if not all(isinstance(text, str) for text in texts):
        return None
    if any(is_session_prefix_text(text) for text in texts):
        return None
    return "".join(texts).strip() or IMAGE_PLACEHOLDER


def _parse_iso(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
