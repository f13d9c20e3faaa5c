"""Bringing the index up to date with the rollouts on disk.

A *full* refresh compares every rollout's size and time with what the index holds and indexes
what was appended, in transactions of ``BATCH_BYTES`` so other processes (and a search screen
showing partial results) are never shut out for long. ``update_rollout`` does the same for one file;
running threads call it after every turn (``live``), so a *quick* refresh, what a search does,
lists only the folders whose time changed (new, moved and deleted rollouts, see ``scan``) and
``stat``s only the rollouts written to in the last ``RECENT_SECONDS`` (as of their last
indexing): at 10,000 sessions a ``stat`` of every file would cost more than the search itself.
So a search finds what was said in any session running now or today, by lha (also when its live
update was lost: a process killed mid-turn, an index locked at that moment) or by the Codex CLI;
an append to an older session by another program is found once the full refresh runs, which a
quick one does when the last was more than ``FULL_SCAN_SECONDS`` ago (lha's own resumes of old
sessions are indexed live). A rollout that moved (archived, unarchived) keeps its rows: only
its path changes.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable
from functools import partial

from core.index.ingest import forget_session, index_rollout
from core.index.scan import (
    UNKNOWN,
    FolderScan,
    RolloutFile,
    is_archived_path,
    scan_folders,
    with_stat,
)
from core.index.schema import (
    ORPHAN_COUNTER,
    Source,
    create_tables,
    drop_tables,
    read_counter,
    write_counter,
)
from core.records import Record

BATCH_BYTES = 16 * 1024 * 1024
"""Rollout bytes per transaction. Each commit writes the transaction's terms out as one FTS5
segment (``schema.FTS_OPTIONS``), and fewer, larger segments need less merging: at 8 MB a first
build of 1 GB spent ~5 s of CPU in its commits, at 16 MB ~3.9 s (at 32 MB ~2.9 s, but adding
rows to the larger hash cost as much more). A transaction is still well under a second, and a
writer thread holds the GIL no longer whatever its size (the longest pause of another thread
measured 4 ms at 8, 16 and 32 MB)."""
FIRST_BATCH_BYTES = 1024 * 1024
"""The first transaction is small: a bulk job's writer waits for the extractor's first batch
(~0.3 s at 16 MB), and a search screen shows its first hits and progress after it."""
BATCH_FILES = 400
FULL_SCAN_SECONDS = 600
RECENT_SECONDS = 24 * 3600
_LAST_FULL_SCAN = "last_full_scan_unix"
ORPHAN_REBUILD_RATIO = 0.25
"""Rebuild once unreachable FTS rows exceed this share of all rows (and 10,000 rows)."""

PathText = str | os.PathLike[str]
"""A path (``lha search`` passes text: it does not load pathlib)."""
Progress = Callable[[int, int], None]
"""Called with (bytes indexed so far, bytes to index in all) after each transaction."""


class RefreshReport(Record):
    files: int
    """Rollout files listed (every one in a full refresh; those in changed folders otherwise)."""
    indexed_files: int
    """Files that had new lines."""
    indexed_bytes: int


class _Known(Record):
    path: str
    id: int
    indexed_bytes: int
    updated_ns: int
    archived: int
    source: int


def _known_sessions(
    connection: sqlite3.Connection, folders: set[str] | None = None
) -> dict[str, _Known]:
    """Indexed rollouts by path: all of them, or those directly in ``folders``."""
    query = "SELECT path, id, indexed_bytes, updated_ns, archived, source FROM sessions"
    if folders is None:
        return {row[0]: _Known._make(row) for row in connection.execute(query)}
    known: dict[str, _Known] = {}
    for folder in folders:
        below = folder + os.sep
        rows = connection.execute(
            query + " WHERE path > ? AND path < ?", (below, folder + chr(ord(os.sep) + 1))
        )
        known.update(
            (row[0], _Known._make(row)) for row in rows if os.path.dirname(row[0]) == folder
        )
    return known


class _WriteTransaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> sqlite3.Connection:
        self._connection.execute("BEGIN IMMEDIATE")
        return self._connection

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._connection.execute("COMMIT" if kind is None else "ROLLBACK")


def refresh(
    connection: sqlite3.Connection,
    lha_home: PathText,
    progress: Progress | None = None,
    full: bool = True,
    codex_root: PathText | None = None,
) -> RefreshReport:
    """Index new lines and forget rollouts that are gone; see the module docstring.
    ``codex_root`` is the Codex CLI's sessions folder, when its sessions are indexed too."""
    _rebuild_if_mostly_orphans(connection)
    now = int(time.time())
    full = full or now - read_counter(connection, _LAST_FULL_SCAN) > FULL_SCAN_SECONDS
    recorded = None if full else dict(connection.execute("SELECT path, mtime_ns FROM folders"))
    scan = scan_folders(lha_home, recorded, with_stat=full, codex_root=codex_root)
    known = _known_sessions(connection, None if full else _unsure_folders(scan, recorded))
    on_disk = {rollout.path for rollout in scan.files}
    gone = [path for path in known if path not in on_disk]
    files = scan.files
    if not full:
        files = [f for f in map(with_stat, (f for f in files if f.path not in known)) if f]
    if gone:
        _follow_moves_or_forget(connection, gone, files, known)
        known = _known_sessions(connection, None if full else set(map(os.path.dirname, on_disk)))
    if not full:
        files += _recently_written(connection, known, now)
    stale = [f for f in files if _is_stale(f, known.get(f.path))]
    done = _index_in_batches(connection, stale, known, progress) if stale else 0
    if full or _unsure_folders(scan, recorded):  # else nothing to record: no write lock taken
        with _WriteTransaction(connection) as writer:
            _record_folders(writer, scan, recorded)
            if full:
                write_counter(writer, _LAST_FULL_SCAN, now)
    return RefreshReport(len(on_disk), len(stale), done)


def _recently_written(
    connection: sqlite3.Connection, known: dict[str, _Known], now: int
) -> list[RolloutFile]:
    """Indexed rollouts written to in the last ``RECENT_SECONDS``, with their size now (they are
    added to ``known``); a folder's time does not change when a file in it grows."""
    rows = connection.execute(
        "SELECT path, id, indexed_bytes, updated_ns, archived, source FROM sessions "
        "WHERE updated_ns >= ?",
        ((now - RECENT_SECONDS) * 1_000_000_000,),
    )
    recent = [_Known._make(row) for row in rows if row[0] not in known]
    known.update((row.path, row) for row in recent)
    listed = (
        RolloutFile(row.path, UNKNOWN, UNKNOWN, bool(row.archived), row.source == Source.CODEX)
        for row in recent
    )
    return [rollout for rollout in map(with_stat, listed) if rollout is not None]


def _unsure_folders(scan: FolderScan, recorded: dict[str, int] | None) -> set[str]:
    """Folders whose rollouts may differ from the index: listed again, or gone."""
    gone = set(recorded or ()) - set(scan.times)
    return scan.listed | gone


def _index_in_batches(
    connection: sqlite3.Connection,
    stale: list[RolloutFile],
    known: dict[str, _Known],
    progress: Progress | None,
) -> int:
    """Index ``stale`` a batch per transaction. A big job (a first build) is extracted in a
    second process (``bulk``) while this one writes, with SQLite tuned for bulk writing."""
    starts = {f.path: known[f.path].indexed_bytes if f.path in known else 0 for f in stale}
    total = sum(f.size - starts[f.path] for f in stale)
    batches = _batches(stale)
    done = 0
    from core.index import bulk  # subprocess and threading: ~10 ms a search rarely needs

    with (
        bulk.prepared_batches(batches, starts, total) as prepared_batches,
        bulk.bulk_writing(connection, total),
    ):
        for batch, prepared in zip(batches, prepared_batches, strict=True):
            with _WriteTransaction(connection) as writer:
                done += sum(map(partial(index_rollout, writer), batch, prepared))
            if progress is not None:
                progress(done, max(total, done))
    return done


def _record_folders(
    connection: sqlite3.Connection, scan: FolderScan, recorded: dict[str, int] | None
) -> None:
    if recorded is None:
        connection.execute("DELETE FROM folders")
    else:
        for folder in set(recorded) - set(scan.times):
            connection.execute("DELETE FROM folders WHERE path = ?", (folder,))
    connection.executemany(
        "INSERT OR REPLACE INTO folders(path, mtime_ns) VALUES (?, ?)",
        [(folder, scan.times[folder]) for folder in scan.listed if folder in scan.times],
    )


def update_rollout(connection: sqlite3.Connection, lha_home: PathText, path: PathText) -> int:
    """Index the new lines of one rollout (after a live thread's turn); returns bytes read."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return 0
    if not stat.S_ISREG(info.st_mode):
        return 0
    rollout = RolloutFile(
        str(path), info.st_size, info.st_mtime_ns, is_archived_path(lha_home, path)
    )
    with _WriteTransaction(connection) as writer:
        return index_rollout(writer, rollout)


def forget_rollout(connection: sqlite3.Connection, path: PathText) -> None:
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
    """Transactions of ``BATCH_BYTES``, the first one of ``FIRST_BATCH_BYTES``."""
    batches: list[list[RolloutFile]] = [[]]
    size = 0
    for rollout in files:
        limit = FIRST_BATCH_BYTES if len(batches) == 1 else BATCH_BYTES
        if batches[-1] and (size >= limit or len(batches[-1]) >= BATCH_FILES):
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
    orphans = read_counter(connection, ORPHAN_COUNTER)
    if orphans < 10_000:
        return
    rows = connection.execute("SELECT count(*) FROM messages").fetchone()[0]
    if orphans < ORPHAN_REBUILD_RATIO * (orphans + rows):
        return
    with _WriteTransaction(connection) as writer:
        drop_tables(writer)
        create_tables(writer)
