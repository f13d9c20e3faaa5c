"""A fork's files: the thread's folders put back as they were before its user message N.

Message N may be one the thread inherited from the thread it was forked from (and so on up):
``lineage`` names them, newest first, and the snapshot is looked up where the message was sent.
"""

from __future__ import annotations

from pathlib import Path

from core.rollout.head import read_session_meta
from core.rollout.listing import find_thread_path_by_id_sync
from core.snapshots.git import SnapshotUnavailable
from core.snapshots.restore import (
    RestorePlan,
    expected_tree,
    open_folder,
    plan_folder,
    usable_snapshots,
)
from core.snapshots.store import ThreadSnapshots, TurnSnapshot, load_thread_snapshots

MAX_FORK_DEPTH = 32


def thread_lineage(lha_home: Path, rollout: Path) -> list[str]:
    """The thread of ``rollout``, the thread it was forked from, and so on (as far as their
    rollouts are found): the ``lineage`` ``plan_restore_before_message`` looks through."""
    lineage: list[str] = []
    path: Path | None = rollout
    while path is not None and len(lineage) < MAX_FORK_DEPTH:
        meta = read_session_meta(path)
        lineage.append(str(meta.id))
        parent = meta.forked_from_id
        path = find_thread_path_by_id_sync(lha_home, str(parent)) if parent else None
    return lineage


def plan_restore_before_message(lha_home: Path, lineage: list[str], nth: int) -> RestorePlan:
    """What restoring the files to before user message ``nth`` of ``lineage[0]`` would do;
    touches nothing."""
    found = _snapshot_of_message(lha_home, lineage, nth)
    if found is None:
        raise SnapshotUnavailable(
            f"thread {lineage[0]} has no file snapshot from before message {nth}; "
            "nothing was forked or changed"
        )
    snapshots, record = found
    latest = load_thread_snapshots(lha_home, lineage[0]) or snapshots
    plan = RestorePlan()
    for folder in record.folders:
        repo = open_folder(lha_home, folder)
        expected = expected_tree(latest, folder.root) or expected_tree(snapshots, folder.root)
        plan.folders.append(plan_folder(repo, folder.before, expected, None))
    return plan


def _snapshot_of_message(
    lha_home: Path, lineage: list[str], nth: int
) -> tuple[ThreadSnapshots, TurnSnapshot] | None:
    for thread_id in lineage:
        snapshots = load_thread_snapshots(lha_home, thread_id)
        if snapshots is None or not snapshots.turns:
            continue  # no turn of its own yet: every message it has was inherited
        record = snapshots.find(nth)
        if record is not None:
            return usable_snapshots(lha_home, thread_id), record
        if nth >= snapshots.turns[0].turn:
            return None  # the message is this thread's own, from before snapshots
    return None
