"""Undo: put the files back as they were before the thread's last turn that changed them.

Undone turns are marked in the thread's snapshot list, so another undo goes one turn further
back. Only the paths that turn changed are touched; files edited since (by the user or another
program) are listed in the plan and overwritten only when the caller confirms.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.snapshots.git import SnapshotUnavailable
from core.snapshots.restore import (
    RestorePlan,
    expected_tree,
    open_folder,
    plan_folder,
    usable_snapshots,
)
from core.snapshots.store import (
    ThreadSnapshots,
    TurnSnapshot,
    save_thread_snapshots,
    thread_lock,
)


@dataclass
class UndoPlan:
    thread_id: str
    turn: int
    restore: RestorePlan


def last_undoable_turn(snapshots: ThreadSnapshots) -> TurnSnapshot | None:
    return next((t for t in reversed(snapshots.turns) if t.has_changes and not t.undone), None)


def plan_undo(lha_home: Path, thread_id: str) -> UndoPlan:
    """What undoing the thread's last turn with changes would do; touches nothing."""
    snapshots = usable_snapshots(lha_home, thread_id)
    record = last_undoable_turn(snapshots)
    if record is None:
        raise SnapshotUnavailable(
            f"no turn of thread {thread_id} left files changed (or every one was undone); "
            "nothing to undo"
        )
    plan = RestorePlan()
    for folder in record.folders:
        if folder.after is None or folder.after == folder.before:
            continue
        repo = open_folder(lha_home, folder)
        turn_paths = {c.path for c in repo.changes(folder.before, folder.after)}
        expected = expected_tree(snapshots, folder.root)
        plan.folders.append(plan_folder(repo, folder.before, expected, turn_paths))
    return UndoPlan(thread_id=thread_id, turn=record.turn, restore=plan)


def apply_undo(lha_home: Path, plan: UndoPlan) -> list[Path]:
    """Restore the files and mark the turn undone; the paths skipped (outside a folder)."""
    skipped = plan.restore.apply()
    with thread_lock(lha_home, plan.thread_id):
        snapshots = usable_snapshots(lha_home, plan.thread_id)
        record = snapshots.find(plan.turn)
        if record is not None:
            record.undone = True
            save_thread_snapshots(lha_home, snapshots)
    return skipped
