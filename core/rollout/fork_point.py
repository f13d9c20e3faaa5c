"""Where a fork left its parent: the parent's user message it was made before.

A fork's rollout is its own ``session_meta`` line followed by a copy of the parent's lines up to
the fork point (``core.rollout.truncation.fork_history``), then its own turns. The copy is what
records the point: the parent's lines the fork repeats, item for item, end just before the user
message the fork was made before (or at the parent's end, for a copy of the whole thread).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.protocol.rollout import RolloutItem
from core.rollout.reader import load_rollout
from core.rollout.user_turns import list_user_turns


def copied_prefix(fork_items: Sequence[RolloutItem], parent_items: Sequence[RolloutItem]) -> int:
    """How many of the parent's first items the fork repeats after its own session_meta."""
    copied = 0
    for ours, theirs in zip(fork_items[1:], parent_items, strict=False):
        if ours != theirs:
            break
        copied += 1
    return copied


def fork_point(
    fork_items: Sequence[RolloutItem], parent_items: Sequence[RolloutItem]
) -> int | None:
    """The 0-based index of the parent's user message the fork was made before (the ``n`` of
    ``lha fork --at N``); None when the fork copied every one of them (the whole thread)."""
    copied = copied_prefix(fork_items, parent_items)
    turns = list_user_turns(parent_items)
    before = next((turn.index for turn in turns if turn.items_before >= copied), None)
    return before


async def read_fork_point(fork_path: Path, parent_path: Path) -> int | None:
    """``fork_point`` of two rollout files.

    Raises:
        RolloutError: either file cannot be read.
    """
    fork = await load_rollout(fork_path)
    parent = await load_rollout(parent_path)
    return fork_point(fork.history.get_rollout_items(), parent.history.get_rollout_items())
