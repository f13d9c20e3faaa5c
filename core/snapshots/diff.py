"""The unified diff of a turn's file changes (or of every turn since the thread began)."""

from __future__ import annotations

from pathlib import Path

from core.snapshots.git import SnapshotUnavailable
from core.snapshots.store import (
    ThreadSnapshots,
    TurnSnapshot,
    load_thread_snapshots,
    shadow_repo_for,
)


def turn_diff(
    lha_home: Path, thread_id: str, *, turn: int | None = None, whole: bool = False
) -> str:
    """The diff of turn ``turn`` (default: the last turn with changes); ``whole``: since the
    thread's first snapshot. Empty when the turn changed nothing."""
    snapshots = _snapshots_of(lha_home, thread_id)
    pairs = _whole_thread(snapshots) if whole else _one_turn(snapshots, thread_id, turn)
    parts: list[str] = []
    workspace = snapshots.turns[0].folders[0].root if snapshots.turns[0].folders else None
    for root, old, new in pairs:
        repo = shadow_repo_for(lha_home, Path(root))
        prefix = "" if root == workspace else root.lstrip("/") + "/"
        parts.append(repo.unified_diff(old, new, prefix=prefix))
    return "".join(parts)


def changed_turns(lha_home: Path, thread_id: str) -> list[int]:
    """The turns (0-based user messages) that changed files, oldest first: the turns a diff
    can step through."""
    return [t.turn for t in _snapshots_of(lha_home, thread_id).turns if t.has_changes]


def _snapshots_of(lha_home: Path, thread_id: str) -> ThreadSnapshots:
    snapshots = load_thread_snapshots(lha_home, thread_id)
    if snapshots is None or not snapshots.turns:
        raise SnapshotUnavailable(
            f"thread {thread_id} has no file snapshots (they are taken from its next turn on, "
            "when git is installed)"
        )
    return snapshots


def _one_turn(
    snapshots: ThreadSnapshots, thread_id: str, turn: int | None
) -> list[tuple[str, str, str]]:
    record = _chosen_turn(snapshots, thread_id, turn)
    return [(f.root, f.before, f.after) for f in record.folders if f.after is not None]


def _chosen_turn(snapshots: ThreadSnapshots, thread_id: str, turn: int | None) -> TurnSnapshot:
    if turn is None:
        record = next((t for t in reversed(snapshots.turns) if t.has_changes), None)
        if record is None:
            raise SnapshotUnavailable(f"no turn of thread {thread_id} changed files")
        return record
    record = snapshots.find(turn)
    if record is None:
        known = ", ".join(str(t.turn) for t in snapshots.turns)
        raise SnapshotUnavailable(
            f"thread {thread_id} has no snapshot of turn {turn} (turns with snapshots: {known})"
        )
    return record


def _whole_thread(snapshots: ThreadSnapshots) -> list[tuple[str, str, str]]:
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    for record in snapshots.turns:
        for folder in record.folders:
            first.setdefault(folder.root, folder.before)
            last[folder.root] = folder.after or folder.before
    return [(root, first[root], last[root]) for root in first]
