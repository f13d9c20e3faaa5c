"""Appending one rollout's new lines to the index (inside the caller's write transaction).

Each session row remembers how many bytes of its rollout are indexed and how many user turns
they held, so an update reads only what was appended since and numbers the new messages' turns
where the last update stopped. Only whole lines are taken: a line still being written is picked
up by the next update.
"""

from __future__ import annotations

import os
import sqlite3

from core.index.extract import LineText, Role, SessionHead, line_text, session_head
from core.index.scan import RolloutFile, open_regular_file
from core.index.schema import ORPHAN_COUNTER, Source, read_counter, write_counter
from core.records import Record

PREVIEW_CHARS = 200
"""The first user message is kept this long, to name unnamed sessions in search results."""
_NEXT_ID_COUNTER = "next_message_id"
_HEAD_LINES = 10
"""``session_meta`` must be among a rollout's first lines, as for the session list."""


class _SessionState:
    __slots__ = ("id", "indexed_bytes", "preview", "user_turns")

    def __init__(self, id: int, indexed_bytes: int, user_turns: int, preview: str) -> None:
        self.id = id
        self.indexed_bytes = indexed_bytes
        self.user_turns = user_turns
        self.preview = preview


def _load_state(connection: sqlite3.Connection, path: str) -> _SessionState | None:
    row = connection.execute(
        "SELECT id, indexed_bytes, user_turns, preview FROM sessions WHERE path = ?", (path,)
    ).fetchone()
    return _SessionState(*row) if row else None


def _read_from(path: str, start: int, size: int) -> bytes:
    """Bytes ``start``..``size`` of the file, cut after its last complete line."""
    fd = open_regular_file(path)
    try:
        data = os.pread(fd, max(0, size - start), start)
    finally:
        os.close(fd)
    end = data.rfind(b"\n")
    return data[: end + 1]


class PreparedRollout(Record):
    """A rollout's new lines, read and extracted outside any transaction.

    Extraction is the Python half of indexing; preparing the next files while SQLite (which
    releases the GIL) writes the current ones is what lets a full build use two cores.
    """

    path: str
    start: int
    """The indexed size it was read from; if the index moved on meanwhile, it is discarded."""
    length: int
    """Bytes of whole lines read."""
    head: SessionHead | None
    lines: list[tuple[int, int, LineText]]
    """(offset, length, text) of every line that has searchable text or is a user turn."""


def prepare_rollout(rollout: RolloutFile, start: int) -> PreparedRollout | None:
    """Read ``rollout`` from byte ``start`` and extract its lines; None when it cannot be read."""
    try:
        data = _read_from(rollout.path, start, rollout.size) if rollout.size > start else b""
    except OSError:
        return None  # vanished or unreadable since the scan; the next refresh sees it
    head = _head_of(data) if start == 0 else None
    lines = []
    offset = start
    for raw in data.split(b"\n"):
        found = line_text(raw) if raw else None
        if found is not None:
            lines.append((offset, len(raw), found))
        offset += len(raw) + 1
    return PreparedRollout(rollout.path, start, len(data), head, lines)


def _head_of(data: bytes) -> SessionHead | None:
    for raw in data.split(b"\n", _HEAD_LINES)[:_HEAD_LINES]:
        head = session_head(raw)
        if head is not None:
            return head
    return None


def _new_session(
    connection: sqlite3.Connection, rollout: RolloutFile, head: SessionHead | None
) -> int:
    cursor = connection.execute(
        "INSERT INTO sessions(path, thread_id, cwd, created_at, archived, source) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            rollout.path,
            head.thread_id if head else "",
            head.cwd if head else "",
            head.created_at if head else "",
            int(rollout.archived),
            Source.CODEX if rollout.codex else Source.LHA,
        ),
    )
    return int(cursor.lastrowid or 0)


def _preview_of(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:PREVIEW_CHARS]
    return "[image]"


def index_rollout(
    connection: sqlite3.Connection,
    rollout: RolloutFile,
    prepared: PreparedRollout | None = None,
) -> int:
    """Index the lines of ``rollout`` added since the last update; returns the bytes read.

    Must run inside a write transaction (``BEGIN IMMEDIATE``), which makes reading the stored
    offset and appending the rows one step for every process sharing the index. ``prepared``
    is used when it starts where the index stopped (else the file is read again here).
    """
    state = _load_state(connection, rollout.path)
    if state is not None and rollout.size < state.indexed_bytes:
        forget_session(connection, state.id, replay_from=None)  # not a rollout we wrote
        state = None
    start = state.indexed_bytes if state else 0
    if prepared is None or prepared.start != start or prepared.path != rollout.path:
        prepared = prepare_rollout(rollout, start)
        if prepared is None:
            return 0
    if state is None:
        state = _SessionState(_new_session(connection, rollout, prepared.head), 0, 0, "")
    _append_messages(connection, state, prepared.lines)
    connection.execute(
        "UPDATE sessions SET indexed_bytes = ?, user_turns = ?, preview = ?, updated_ns = ?, "
        "archived = ? WHERE id = ?",
        (
            start + prepared.length,
            state.user_turns,
            state.preview,
            rollout.mtime_ns,
            int(rollout.archived),
            state.id,
        ),
    )
    return prepared.length


def _append_messages(
    connection: sqlite3.Connection,
    state: _SessionState,
    lines: list[tuple[int, int, LineText]],
) -> None:
    messages: list[tuple[int, int, int, int, int, int]] = []
    texts: list[tuple[int, str | None, str | None]] = []
    next_id = read_counter(connection, _NEXT_ID_COUNTER) or 1
    for offset, length, found in lines:
        if found.role is Role.USER:
            turn = state.user_turns
            state.user_turns += 1
            state.preview = state.preview or _preview_of(found.text)
        else:
            turn = max(state.user_turns - 1, 0)
        if found.text.strip():
            messages.append((next_id, state.id, turn, int(found.role), offset, length))
            tool = found.role is Role.TOOL
            texts.append((next_id, None if tool else found.text, found.text if tool else None))
            next_id += 1
    if messages:
        connection.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", messages)
        connection.executemany(
            "INSERT INTO message_text(rowid, body, tool_body) VALUES (?, ?, ?)", texts
        )
        write_counter(connection, _NEXT_ID_COUNTER, next_id)


def forget_session(
    connection: sqlite3.Connection, session_id: int, replay_from: str | None
) -> None:
    """Remove a session's rows. With ``replay_from`` (its rollout, unchanged since indexing) the
    FTS terms are deleted too; otherwise they stay behind, unreachable, and are counted."""
    rows = connection.execute(
        "SELECT id, offset, length FROM messages WHERE session = ?", (session_id,)
    ).fetchall()
    orphans = len(rows) - (_replay_deletes(connection, rows, replay_from) if replay_from else 0)
    if orphans:
        write_counter(
            connection, ORPHAN_COUNTER, read_counter(connection, ORPHAN_COUNTER) + orphans
        )
    connection.execute("DELETE FROM messages WHERE session = ?", (session_id,))
    connection.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


def _replay_deletes(
    connection: sqlite3.Connection, rows: list[tuple[int, int, int]], path: str
) -> int:
    """Delete the FTS terms of ``rows`` by re-reading their lines; returns how many were."""
    deleted = 0
    try:
        fd = open_regular_file(path)
    except OSError:
        return 0
    try:
        for message_id, offset, length in rows:
            found = line_text(os.pread(fd, length, offset))
            if found is None or not found.text.strip():
                continue
            tool = found.role is Role.TOOL
            connection.execute(
                "INSERT INTO message_text(message_text, rowid, body, tool_body) "
                "VALUES ('delete', ?, ?, ?)",
                (message_id, None if tool else found.text, found.text if tool else None),
            )
            deleted += 1
    finally:
        os.close(fd)
    return deleted
