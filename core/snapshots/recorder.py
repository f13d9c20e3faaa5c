"""Taking one thread's snapshots before and after its turns (blocking: run it in a thread).

Each turn gets the tree of every folder it may write (the workspace and its writable roots)
before it starts and after it ends; ``diff`` and ``undo`` compare the two. A turn that was
interrupted gets its "after" at the start of the next turn, or when the turn's task ends.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from core.snapshots.shadow_repo import FolderTooLarge
from core.snapshots.store import (
    FolderSnapshot,
    ThreadSnapshots,
    TurnSnapshot,
    folder_identity,
    load_thread_snapshots,
    new_thread_snapshots,
    now_stamp,
    save_thread_snapshots,
    shadow_repo_for,
    thread_lock,
    turn_ref,
)


def snapshot_roots(cwd: Path, writable_roots: Sequence[Path]) -> list[Path]:
    """The existing folders a turn may write, without one inside another, and never the
    whole file system or the home folder (far too large to copy on every turn)."""
    too_broad = {Path("/"), Path.home().resolve()}
    roots: list[Path] = []
    for candidate in (cwd, *writable_roots):
        try:
            root = candidate.expanduser().resolve()
        except OSError:
            continue
        if root in too_broad or not root.is_dir():
            continue
        if any(root.is_relative_to(kept) for kept in roots):
            continue
        roots = [kept for kept in roots if not kept.is_relative_to(root)] + [root]
    return roots


class FileSnapshots:
    """The snapshots of one thread; ``git_binary`` is found once, by the caller."""

    def __init__(self, lha_home: Path, thread_id: str, git_binary: str) -> None:
        self._lha_home = lha_home
        self._thread_id = thread_id
        self._git = git_binary
        self._lock = threading.Lock()
        self._pending: int | None = None
        """The turn whose "after" is still to be taken."""
        self._left_out: set[Path] = set()
        """Folders too large to snapshot: not tried again in this session."""
        self._kept_before: set[int] = set()
        """Turns whose "before" trees this session has already kept by a ref."""

    def before_turn(self, turn: int, roots: list[Path]) -> list[str]:
        """Snapshot ``roots`` before ``turn`` (finishing an interrupted turn's "after" first);
        what went wrong with a folder, to tell the user once (that folder is then left out)."""
        with self._lock, thread_lock(self._lha_home, self._thread_id):
            snapshots = self._load()
            self._finish(snapshots)
            turn = max(turn, max((t.turn + 1 for t in snapshots.turns), default=0))
            folders: list[FolderSnapshot] = []
            problems: list[str] = []
            own_home = self._lha_home.resolve()
            for root in roots:
                if root in self._left_out or root.is_relative_to(own_home):
                    continue  # lha's own folder would copy its snapshots into themselves
                repo = shadow_repo_for(self._lha_home, root, self._git)
                try:
                    tree = repo.snapshot()
                except FolderTooLarge as err:
                    self._left_out.add(root)
                    problems.append(str(err))
                    continue
                # Kept now, while the turn runs: a turn that runs no tool then ends with no
                # git call at all (its "after" is this tree).
                repo.keep({turn_ref(self._thread_id, turn, "before"): tree})
                identity = folder_identity(root)
                folders.append(FolderSnapshot(root=str(root), identity=identity, before=tree))
            snapshots.turns.append(TurnSnapshot(turn=turn, started_at=now_stamp(), folders=folders))
            save_thread_snapshots(self._lha_home, snapshots)
            self._pending = turn
            self._kept_before.add(turn)
            return problems

    def after_turn(self, *, tools_ran: bool = True) -> None:
        """Snapshot the folders of the turn that just ended (nothing when none is pending).

        A turn that ran no tool changed no file: its "after" is its "before", without
        looking at the folders or running git (the "before" was kept by a ref when it was
        taken). What the user edits meanwhile is then not counted as the turn's change; the
        next turn's "before" has it."""
        with self._lock:
            if self._pending is None:
                return
            with thread_lock(self._lha_home, self._thread_id):
                snapshots = self._load()
                self._finish(snapshots, unchanged=not tools_ran)
                save_thread_snapshots(self._lha_home, snapshots)

    def _finish(self, snapshots: ThreadSnapshots, *, unchanged: bool = False) -> None:
        """Take the "after" of the pending turn, or of a last turn left without one (its
        process ended mid-turn): the folder as it is now is the best "after" there is.
        ``unchanged``: the pending turn changed nothing, so its "after" is its "before"."""
        pending, self._pending = self._pending, None
        record = snapshots.find(pending) if pending is not None else None
        if record is None and snapshots.turns:
            last = snapshots.turns[-1]
            record = last if any(f.after is None for f in last.folders) else None
        if record is None:
            return
        before_kept = record.turn in self._kept_before
        for folder in record.folders:
            root = Path(folder.root)
            if not root.is_dir() or folder_identity(root) != folder.identity:
                continue
            if unchanged and before_kept:
                folder.after = folder.before  # already kept by the "before" ref
            else:
                repo = shadow_repo_for(self._lha_home, root, self._git)
                folder.after = folder.before if unchanged else repo.snapshot()
                refs = {turn_ref(self._thread_id, record.turn, "after"): folder.after}
                if not before_kept:  # a turn an earlier process began
                    refs[turn_ref(self._thread_id, record.turn, "before")] = folder.before
                repo.keep(refs)

    def _load(self) -> ThreadSnapshots:
        return load_thread_snapshots(self._lha_home, self._thread_id) or new_thread_snapshots(
            self._thread_id
        )
