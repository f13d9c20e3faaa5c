"""What resume and fork may continue from: never a silently shortened history, never another
program's file.

A rollout whose unreadable lines held user messages would reach the model without them, and the
user would believe the conversation went on; that is refused, with the lines and the reason,
unless the user asks to go on without them (``--skip-unreadable``). A Codex CLI rollout is
continued as a fork of the whole thread: lha writes its own file and leaves the Codex one as it is.
"""

from __future__ import annotations

from core.errors import RolloutError
from core.protocol.history import InitialHistory


def continuable_history(history: InitialHistory, *, skip_unreadable: bool) -> InitialHistory:
    """``history`` as a thread may start from it.

    Raises:
        RolloutError: user messages could not be read and ``skip_unreadable`` is off.
    """
    if history.lost_user_messages and not skip_unreadable:
        raise RolloutError(history.rollout_path or "session", history.lost_user_messages)
    if history.kind == "resumed" and history.source_format != "lha":
        return InitialHistory.forked(history.get_rollout_items())
    return history
