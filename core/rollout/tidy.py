"""Archiving, unarchiving and deleting a past session's rollout (``lha archive`` and friends).

An archived rollout moves from ``sessions/Y/M/D/`` to ``archived_sessions/Y/M/D/`` (the same
relative path, so the session list's walk works there too, and unarchiving puts it back exactly
where it was). The move is one ``os.rename`` within LHA_HOME's filesystem: atomic, so a crash at
any moment leaves exactly one copy, never two and never none. The file's content is not touched.

A session open in another lha (its rollout locked, see ``core.rollout.lock``) is refused: its
writer would go on appending to a file that has moved or gone. The lock is taken here for the
duration of the move or the deletion, so no writer can open the session meanwhile.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from core.errors import InvalidRequest, LhaError
from core.fs import UnreadableFileError, ensure_private_dir, open_regular_file
from core.rollout.lock import notes_dir, read_holder
from core.rollout.paths import archived_root, parse_rollout_file_name, sessions_root

log = logging.getLogger("lha.rollout")


def archive_rollout(lha_home: Path, path: Path) -> Path:
    """Move the session at ``path`` (under ``sessions/``) to the archive; returns its new path."""
    return _move(path, sessions_root(lha_home), archived_root(lha_home), lha_home, "archive")


def unarchive_rollout(lha_home: Path, path: Path) -> Path:
    """Move the archived session at ``path`` back to ``sessions/``; returns its new path."""
    return _move(path, archived_root(lha_home), sessions_root(lha_home), lha_home, "unarchive")


def delete_rollout(lha_home: Path, path: Path) -> None:
    """Delete the session at ``path`` (listed or archived) and what lha derived from it."""
    roots = (sessions_root(lha_home), archived_root(lha_home))
    thread_id = _thread_id_under(path, roots, "delete")
    with _exclusively(path, lha_home, thread_id, "delete"):
        _forget_index_rows(lha_home, path)
        os.unlink(path)
        _sync_folder(path.parent)
    forget_snapshot_list(lha_home, thread_id)


def is_archived(lha_home: Path, path: Path) -> bool:
    return _relative_to(path, archived_root(lha_home)) is not None


def forget_snapshot_list(lha_home: Path, thread_id: str) -> None:
    """The deleted thread's snapshot list goes with it (the folders' shadow repositories,
    shared with other threads, stay)."""
    from core.snapshots.store import forget_thread_snapshots

    try:
        forget_thread_snapshots(lha_home, thread_id)
    except OSError as err:
        log.warning("could not remove the snapshot list of %s: %s", thread_id, err.strerror)


def _forget_index_rows(lha_home: Path, path: Path) -> None:
    """Drop the session's rows from the search index before its file goes. The index is derived
    data that heals itself (a search notices vanished rollouts), so a failure here is only
    logged; imported late because the index is built on top of this package."""
    from core.index.library import SessionIndex

    try:
        SessionIndex(lha_home).forget_rollout(path)
    except (LhaError, OSError, sqlite3.Error) as err:
        log.warning("could not drop %s from the search index: %s", path.name, err)


def _move(path: Path, source: Path, target: Path, lha_home: Path, verb: str) -> Path:
    thread_id = _thread_id_under(path, (source,), verb)
    relative = _relative_to(path, source)
    assert relative is not None
    destination = target / relative
    with _exclusively(path, lha_home, thread_id, verb):
        if os.path.lexists(destination):
            raise InvalidRequest(
                f"cannot {verb} {thread_id}: {destination} already exists; move or delete it first"
            )
        ensure_private_dir(destination.parent)
        os.rename(path, destination)
        _sync_folder(destination.parent)
        _sync_folder(path.parent)
    return destination


def _relative_to(path: Path, root: Path) -> Path | None:
    try:
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return None


def _thread_id_under(path: Path, roots: tuple[Path, ...], verb: str) -> str:
    """The thread id of the rollout at ``path``, which must be a rollout kept under one of
    ``roots`` (lha deletes and moves only its own files)."""
    parsed = parse_rollout_file_name(path.name)
    inside = any(_relative_to(path, root) is not None for root in roots)
    if parsed is None or not inside:
        where = " or ".join(str(root) for root in roots)
        raise InvalidRequest(f"cannot {verb} {path}: only session files under {where} can be")
    return str(parsed.thread_id)


@contextlib.contextmanager
def _exclusively(path: Path, lha_home: Path, thread_id: str, verb: str) -> Iterator[None]:
    """Hold the rollout's writer lock (never waiting): refused when another lha has it open."""
    try:
        file = open_regular_file(path)
    except FileNotFoundError:
        raise InvalidRequest(f"cannot {verb} {thread_id}: {path} no longer exists") from None
    except UnreadableFileError as err:
        raise InvalidRequest(f"cannot {verb} {thread_id}: {err}") from None
    with file:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InvalidRequest(_locked_text(lha_home, thread_id, verb)) from None
        except OSError:  # no flock on this filesystem: nothing to be safe against
            pass
        yield


def _locked_text(lha_home: Path, thread_id: str, verb: str) -> str:
    holder = read_holder(notes_dir(lha_home) / f"{thread_id}.json")
    who = f" (pid {holder.pid}, `{holder.command}`)" if holder else ""
    return f"cannot {verb} {thread_id}: it is open in another lha{who}; close it there first"


def _sync_folder(folder: Path) -> None:
    """Make a rename or unlink durable (a crash right after it keeps it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
