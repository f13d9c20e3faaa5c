"""Bringing the index up to date with the rollouts on disk.

``refresh`` compares every rollout's size and time with what the index holds and indexes what was
appended, in transactions of a few MB so other processes (and a search screen showing partial
results) are never shut out for long. ``update_rollout`` does the same for one file, after a live
thread's turn. A rollout that moved (archived, unarchived) keeps its rows: only its path changes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.index.ingest import forget_session, index_rollout
from core.index.scan import RolloutFile, find_rollout_files, is_archived_path
from core.index.schema import ORPHAN_COUNTER, create_tables, drop_tables

BATCH_BYTES = 8 * 1024 * 1024
BATCH_FILES = 400
ORPHAN_REBUILD_RATIO = 0.25
"""Rebuild once unreachable FTS rows exceed this share of all rows (and 10,000 rows)."""

Progress = Callable[[int, int], None]
"""Called with (bytes indexed so far, bytes to index in all) after each transaction."""


@dataclass(frozen=True)
class RefreshReport:
    files: int
    """Rollout files found on disk."""
    indexed_files: int
    """Files that had new lines."""
    indexed_bytes: int


@dataclass(frozen=True, slots=True)
class _Known:
    id: int
    indexed_bytes: int
    updated_ns: int


def _known_sessions(connection: sqlite3.Connection) -> dict[str, _Known]:
    rows = connection.execute("SELECT path, id, indexed_bytes, updated_ns FROM sessions")
    return {path: _Known(sid, size, mtime) for path, sid, size, mtime in rows}


class _WriteTransaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> sqlite3.Connection:
        self._connection.execute("BEGIN IMMEDIATE")
        return self._connection

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._connection.execute("COMMIT" if kind is None else "ROLLBACK")


def refresh(
    connection: sqlite3.Connection, lha_home: Path, progress: Progress | None = None
) -> RefreshReport:
    """Index every rollout's new lines and forget rollouts that are gone."""
    _rebuild_if_mostly_orphans(connection)
    files = find_rollout_files(lha_home)
    known = _known_sessions(connection)
    on_disk = {rollout.path for rollout in files}
    gone = [path for path in known if path not in on_disk]
    if gone:
        _follow_moves_or_forget(connection, gone, files, known)
        known = _known_sessions(connection)
    stale = [f for f in files if _is_stale(f, known.get(f.path))]
    total = sum(f.size - (known[f.path].indexed_bytes if f.path in known else 0) for f in stale)
    done = 0
    for batch in _batches(stale):
        with _WriteTransaction(connection) as writer:
            done += sum(index_rollout(writer, rollout) for rollout in batch)
        if progress is not None:
            progress(done, max(total, done))
    return RefreshReport(len(files), len(stale), done)


def update_rollout(connection: sqlite3.Connection, lha_home: Path, path: Path) -> int:
    """Index the new lines of one rollout (after a live thread's turn); returns bytes read."""
    try:
        info = os.stat(path)
    except OSError:
        return 0
    rollout = RolloutFile(
        str(path), info.st_size, info.st_mtime_ns, is_archived_path(lha_home, path)
    )
    with _WriteTransaction(connection) as writer:
        return index_rollout(writer, rollout)


def forget_rollout(connection: sqlite3.Connection, path: Path) -> None:
    """Drop a rollout's rows; call it *before* deleting the file so its terms go too."""
    with _WriteTransaction(connection) as writer:
        row = writer.execute("SELECT id FROM sessions WHERE path = ?", (str(path),)).fetchone()
        if row is not None:
            forget_session(writer, int(row[0]), replay_from=str(path))


def _is_stale(rollout: RolloutFile, known: _Known | None) -> bool:
    return (
        known is None or known.indexed_bytes != rollout.size or known.updated_ns != rollout.mtime_ns
    )


def _batches(files: list[RolloutFile]) -> list[list[RolloutFile]]:
    batches: list[list[RolloutFile]] = [[]]
    size = 0
    for rollout in files:
        if batches[-1] and (size >= BATCH_BYTES or len(batches[-1]) >= BATCH_FILES):
            batches.append([])
            size = 0
        batches[-1].append(rollout)
        size += rollout.size
    return [batch for batch in batches if batch]


def _follow_moves_or_forget(
    connection: sqlite3.Connection,
    gone: list[str],
    files: list[RolloutFile],
    known: dict[str, _Known],
) -> None:
    """A rollout found under another folder with the same name moved there: re-point its row."""
    new_by_name = {os.path.basename(f.path): f for f in files if f.path not in known}
    with _WriteTransaction(connection) as writer:
        for path in gone:
            moved = new_by_name.get(os.path.basename(path))
            state = known[path]
            if moved is not None and moved.size >= state.indexed_bytes:
                writer.execute(
                    "UPDATE sessions SET path = ?, archived = ? WHERE id = ?",
                    (moved.path, int(moved.archived), state.id),
                )
            else:
                forget_session(writer, state.id, replay_from=None)


def _rebuild_if_mostly_orphans(connection: sqlite3.Connection) -> None:
    row = connection.execute(
        "SELECT value FROM counters WHERE name = ?", (ORPHAN_COUNTER,)
    ).fetchone()
    orphans = int(row[0]) if row else 0
    if orphans < 10_000:
        return
    rows = connection.execute("SELECT count(*) FROM messages").fetchone()[0]
    if orphans < ORPHAN_REBUILD_RATIO * (orphans + rows):
        return
    with _WriteTransaction(connection) as writer:
        drop_tables(writer)
        create_tables(writer)
