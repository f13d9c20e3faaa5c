"""A fork's files: the thread's folders put back as they were before its user message N."""

from __future__ import annotations

from pathlib import Path

from core.snapshots.git import SnapshotUnavailable
from core.snapshots.restore import (
    RestorePlan,
    expected_tree,
    open_folder,
    plan_folder,
    usable_snapshots,
)


def plan_restore_before_message(lha_home: Path, thread_id: str, nth: int) -> RestorePlan:
    """What restoring the files to before user message ``nth`` would do; touches nothing."""
    snapshots = usable_snapshots(lha_home, thread_id)
    record = snapshots.find(nth)
    if record is None:
        known = ", ".join(str(t.turn) for t in snapshots.turns)
        raise SnapshotUnavailable(
            f"thread {thread_id} has no file snapshot from before message {nth} "
            f"(messages with snapshots: {known}); nothing was forked or changed"
        )
    plan = RestorePlan()
    for folder in record.folders:
        repo = open_folder(lha_home, folder)
        expected = expected_tree(snapshots, folder.root)
        plan.folders.append(plan_folder(repo, folder.before, expected, None))
    return plan
