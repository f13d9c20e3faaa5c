"""Putting a thread's folders back as a snapshot had them: planned first, then applied.

A plan lists every file it would write or delete and, among them, the ones changed since lha
last looked (by the user, an editor, another program): those are never overwritten without the
caller saying so. Everything that can be wrong with the store or the folder is found while
planning, so a refused restore has touched nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.snapshots.git import SnapshotUnavailable
from core.snapshots.shadow_repo import Change, ShadowRepo
from core.snapshots.store import (
    FolderSnapshot,
    ThreadSnapshots,
    folder_identity,
    load_thread_snapshots,
    shadow_repo_for,
    this_machine,
)


@dataclass
class FolderRestore:
    """One folder's part of a plan: make ``changes`` as they are in ``tree``."""

    repo: ShadowRepo
    tree: str
    changes: list[Change]
    changed_since: list[str]
    """Paths among ``changes`` that differ from what the last turn left (someone edited them)."""


@dataclass
class RestorePlan:
    folders: list[FolderRestore] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [f.repo.root / c.path for f in self.folders for c in f.changes]

    @property
    def changed_since(self) -> list[Path]:
        return [f.repo.root / path for f in self.folders for path in f.changed_since]

    def apply(self) -> list[Path]:
        """Write and delete the planned files; the paths skipped (they led outside a folder)."""
        skipped: list[Path] = []
        for folder in self.folders:
            try:
                left_alone = folder.repo.restore(folder.tree, folder.changes)
            except OSError as err:
                raise SnapshotUnavailable(
                    f"restoring {folder.repo.root} stopped: {err.strerror}: {err.filename}"
                ) from err
            skipped += [folder.repo.root / path for path in left_alone]
        return skipped


def usable_snapshots(lha_home: Path, thread_id: str) -> ThreadSnapshots:
    """The thread's snapshots, or one line saying why there are none to use."""
    snapshots = load_thread_snapshots(lha_home, thread_id)
    if snapshots is None or not snapshots.turns:
        raise SnapshotUnavailable(
            f"thread {thread_id} has no file snapshots (they are taken from its next turn on, "
            "when git is installed)"
        )
    if snapshots.machine != this_machine():
        raise SnapshotUnavailable(
            f"the file snapshots of thread {thread_id} were taken on another machine; "
            "they cannot restore files here"
        )
    return snapshots


def open_folder(lha_home: Path, folder: FolderSnapshot) -> ShadowRepo:
    """The shadow repository of a snapshotted folder that is still that folder."""
    root = Path(folder.root)
    if not root.is_dir():
        raise SnapshotUnavailable(f"the folder {root} no longer exists; nothing was changed")
    if folder_identity(root) != folder.identity:
        raise SnapshotUnavailable(
            f"{root} is not the folder the snapshots were taken in (it was deleted and made "
            "again, or another repository is there now); nothing was changed"
        )
    repo = shadow_repo_for(lha_home, root)
    missing = [t for t in (folder.before, folder.after) if t is not None and not repo.has_tree(t)]
    if missing:
        raise SnapshotUnavailable(
            f"the snapshot store {repo.home} is damaged (snapshot {missing[0][:12]} is missing); "
            "nothing was changed"
        )
    return repo


def expected_tree(snapshots: ThreadSnapshots, root: str) -> str | None:
    """The tree the folder should have now if only lha's turns and undos changed it."""
    expected: str | None = None
    for record in reversed(snapshots.turns):
        folder = next((f for f in record.folders if f.root == root), None)
        if folder is None:
            continue
        if record.undone:
            expected = folder.before
            continue
        return expected or folder.after or folder.before
    return expected


def plan_folder(
    repo: ShadowRepo, target: str, expected: str | None, only: set[str] | None
) -> FolderRestore:
    """Bring ``repo``'s folder to ``target``, for the paths in ``only`` (all when None)."""
    now = repo.snapshot()
    changes = [c for c in repo.changes(target, now) if only is None or c.path in only]
    edited = {c.path for c in repo.changes(expected, now)} if expected else set()
    return FolderRestore(
        repo=repo,
        tree=target,
        changes=changes,
        changed_since=[c.path for c in changes if c.path in edited],
    )
