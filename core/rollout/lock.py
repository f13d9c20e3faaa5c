"""One writer per rollout: an exclusive ``flock`` on the rollout file, held by its writer.

Two processes appending to one rollout interleave their turns in it, and the next resume then
sends the model two user messages in a row. So the recorder that appends to a rollout locks the
file itself, through the very descriptor it writes with, for as long as its thread is open:

- the kernel drops the lock when that descriptor closes, also when the process is killed
  (``kill -9``): a crash never leaves a session locked, and there is nothing to clean up;
- the lock follows the file, not a name: a session opened by id, by path or through a link is
  one lock;
- ``flock`` is advisory and belongs to one open file description: readers (the session list,
  a fork's source, the tail drawn by ``lha resume``) open the file without it and are never
  blocked, while two ThreadManagers in one process conflict just as two processes do.

Who holds a lock is told by a note, ``LHA_HOME/locks/<thread-id>.json`` (0600: pid and command),
written after the lock is taken and removed before it is released. A note is information only:
a missing or torn one decides nothing (the error then names no pid), and notes left by killed
holders are removed by the next lock taken in that LHA_HOME (their pid no longer exists).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from core.errors import SessionLocked
from core.fs import write_private_file
from core.protocol.ids import ThreadId
from core.protocol.session import SessionSource

log = logging.getLogger("lha.rollout")

LOCKS_SUBDIR = "locks"
_NOTE_SUFFIX = ".json"
TORN_NOTE_AGE_S = 60.0
_KIND_WORDS = {"new": "", "resumed": " resume", "forked": " fork"}


@dataclass(frozen=True)
class LockHolder:
    """What a holder's note says about it."""

    pid: int
    command: str


def writer_command(source: SessionSource, kind: str) -> str:
    """How the holder opened the thread, as the user would type it: ``lha exec resume``."""
    base = "lha exec" if source == SessionSource.EXEC else "lha"
    return base + _KIND_WORDS.get(kind, "")


def notes_dir(lha_home: Path) -> Path:
    return Path(lha_home) / LOCKS_SUBDIR


class RolloutLock:
    """The writer's claim on one thread's rollout; see the module docstring."""

    def __init__(self, lha_home: Path, thread_id: ThreadId, command: str) -> None:
        self.thread_id = thread_id
        self._note = notes_dir(lha_home) / f"{thread_id}{_NOTE_SUFFIX}"
        self._command = command
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self, fd: int, path: Path) -> None:
        """Lock the rollout ``path`` open as ``fd`` (never waits), then leave the note.

        Raises ``SessionLocked`` naming the holder. A filesystem without ``flock`` (some network
        mounts) is logged and let through: refusing every session there would be worse."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise self._locked_error(path) from None
        except OSError as error:
            log.warning("rollout lock unavailable for %s: %s", self.thread_id, error)
            return
        self._held = True
        remove_dead_notes(self._note.parent)
        note = {"pid": os.getpid(), "command": self._command}
        try:
            # Not synced: the note is information only, and opening a thread must not wait.
            write_private_file(self._note, json.dumps(note).encode(), sync=False)
        except OSError as error:  # the lock holds without its note
            log.warning("could not write the lock note %s: %s", self._note, error)

    def forget(self) -> None:
        """Remove the note; the caller closes the descriptor next, which releases the lock."""
        if self._held:
            self._held = False
            with contextlib.suppress(OSError):
                self._note.unlink()

    def _locked_error(self, path: Path) -> SessionLocked:
        holder = read_holder(self._note)
        if holder is None:
            return SessionLocked(str(self.thread_id), path=path)
        return SessionLocked(
            str(self.thread_id),
            pid=holder.pid,
            command=holder.command,
            same_process=holder.pid == os.getpid(),
            path=path,
        )


def read_holder(note: Path) -> LockHolder | None:
    """The holder named by ``note``; None when it is missing, torn or not a note."""
    try:
        data = json.loads(note.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pid, command = data.get("pid"), data.get("command")
    if not isinstance(pid, int) or not isinstance(command, str):
        return None
    return LockHolder(pid, command)


def remove_dead_notes(folder: Path) -> None:
    """Delete the notes whose process is gone (killed holders), so they never pile up.

    Deleting a note that a new holder has just rewritten only costs that holder its pid in an
    error message; the lock itself is never touched here."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not name.endswith(_NOTE_SUFFIX):
            continue
        note = folder / name
        holder = read_holder(note)
        stale = _is_old(note) if holder is None else not _process_exists(holder.pid)
        if stale:
            with contextlib.suppress(OSError):
                note.unlink()


def _is_old(note: Path) -> bool:
    """A torn note may be one being written right now: only an old one is garbage."""
    try:
        return time.time() - note.stat().st_mtime > TORN_NOTE_AGE_S
    except OSError:
        return False


def _process_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
