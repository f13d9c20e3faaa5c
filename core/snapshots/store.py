"""Where snapshots live under LHA_HOME, and each thread's list of turn snapshots.

``$LHA_HOME/snapshots/folders/<key>/`` holds one folder's shadow repository (the key is a hash of
the folder's absolute path, so every thread working there shares it and its index stays warm).
``$LHA_HOME/snapshots/threads/<thread id>.json`` lists the thread's turns: for each folder the
tree before and after the turn, and whether the turn was undone. The trees are also kept by refs
named after the thread and the turn, so the shadow repository never drops them. Rollouts are not
touched: the thread id alone finds everything here.
"""

import contextlib
import fcntl
import hashlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from core.fs import ensure_private_dir, open_private, write_private_file
from core.protocol.rollout import utc_timestamp
from core.snapshots.git import SnapshotUnavailable, find_git
from core.snapshots.shadow_repo import ShadowRepo

STORE_VERSION = 1


class FolderSnapshot(BaseModel):
    """One folder's trees around one turn."""

    root: str
    identity: str
    """Which folder this was (device, inode, and its ``.git``'s): a folder deleted and made
    again, or another repository cloned in its place, is not restored into."""
    before: str
    after: str | None = None
    """None until the turn ended (or when it was interrupted and nothing ran after it)."""


class TurnSnapshot(BaseModel):
    turn: int
    """The 0-based index of the turn's user message in the thread (what ``--at N`` counts)."""
    started_at: str
    folders: list[FolderSnapshot]
    undone: bool = False

    @property
    def has_changes(self) -> bool:
        return any(f.after is not None and f.after != f.before for f in self.folders)


class ThreadSnapshots(BaseModel):
    version: int = STORE_VERSION
    thread_id: str
    machine: str
    turns: list[TurnSnapshot] = []

    def find(self, turn: int) -> TurnSnapshot | None:
        return next((t for t in self.turns if t.turn == turn), None)


def snapshots_dir(lha_home: Path) -> Path:
    return lha_home / "snapshots"


def folder_key(root: Path) -> str:
    return hashlib.sha256(os.fsencode(root)).hexdigest()[:24]


def shadow_repo_for(lha_home: Path, root: Path, git_binary: str | None = None) -> ShadowRepo:
    """The shadow repository of ``root``; raises ``SnapshotUnavailable`` without git."""
    binary = git_binary or find_git()
    if binary is None:
        raise SnapshotUnavailable("file snapshots are unavailable: git is not installed")
    home = snapshots_dir(lha_home) / "folders" / folder_key(root)
    return ShadowRepo(binary, root, home, private=(lha_home.resolve(),))


def folder_identity(root: Path) -> str:
    """Device and inode of the folder and of its ``.git`` (when it has one)."""
    parts = []
    for path in (root, root / ".git"):
        try:
            stat = os.stat(path)
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{stat.st_dev}:{stat.st_ino}")
    return "/".join(parts)


def this_machine() -> str:
    """An id of this machine: snapshots taken elsewhere name folders that are not these."""
    try:
        return Path("/etc/machine-id").read_text(encoding="ascii").strip() or socket.gethostname()
    except OSError:
        return socket.gethostname()


def _thread_file(lha_home: Path, thread_id: str) -> Path:
    return snapshots_dir(lha_home) / "threads" / f"{thread_id}.json"


def load_thread_snapshots(lha_home: Path, thread_id: str) -> ThreadSnapshots | None:
    """The thread's snapshot list, None when it has none; a damaged one raises one line."""
    path = _thread_file(lha_home, thread_id)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise SnapshotUnavailable(f"cannot read the snapshot list {path}: {err.strerror}") from err
    try:
        snapshots = ThreadSnapshots.model_validate_json(raw)
    except ValidationError:
        raise SnapshotUnavailable(
            f"the snapshot list {path} is damaged; delete it (and its thread's file "
            "snapshots with it) to start afresh"
        ) from None
    if snapshots.version != STORE_VERSION or snapshots.thread_id != thread_id:
        raise SnapshotUnavailable(f"the snapshot list {path} is not this thread's; delete it")
    return snapshots


@contextlib.contextmanager
def thread_lock(lha_home: Path, thread_id: str) -> Iterator[None]:
    """One writer of a thread's snapshot list at a time, across processes (a turn in the UI
    and ``lha undo`` in another terminal)."""
    folder = ensure_private_dir(snapshots_dir(lha_home) / "threads")
    fd = open_private(folder / f"{thread_id}.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def save_thread_snapshots(lha_home: Path, snapshots: ThreadSnapshots) -> None:
    ensure_private_dir(snapshots_dir(lha_home))
    data = snapshots.model_dump_json(indent=1)
    write_private_file(_thread_file(lha_home, snapshots.thread_id), data)


def forget_thread_snapshots(lha_home: Path, thread_id: str) -> None:
    """Remove the thread's snapshot list (its session was deleted). The trees stay in the
    shared shadow repositories, kept by the thread's refs, until those are pruned."""
    if not _thread_file(lha_home, thread_id).parent.is_dir():
        return
    with thread_lock(lha_home, thread_id), contextlib.suppress(FileNotFoundError):
        _thread_file(lha_home, thread_id).unlink()
    with contextlib.suppress(FileNotFoundError):
        (snapshots_dir(lha_home) / "threads" / f"{thread_id}.lock").unlink()


def new_thread_snapshots(thread_id: str) -> ThreadSnapshots:
    return ThreadSnapshots(thread_id=thread_id, machine=this_machine())


def now_stamp() -> str:
    return utc_timestamp()


def turn_ref(thread_id: str, turn: int, side: str) -> str:
    return f"refs/lha/{thread_id}/turn-{turn}/{side}"
