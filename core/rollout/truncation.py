"""Cutting a rollout before the n-th real user message: how a fork is made.

See docs/architecture.md, A fork. The rule is the Codex CLI's: keep every line strictly before
the n-th (0-based) real user message, including session_meta, turn contexts and session-prefix
messages; an n at or past the number of real user messages gives an empty list, which the
caller turns into a brand-new thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import InvalidRequest
from core.protocol.history import InitialHistory
from core.protocol.rollout import RolloutItem, TranscriptRecord
from core.rollout.session_prefix import is_real_user_message


def truncate_rollout_before_nth_user_message_from_start(
    items: Sequence[RolloutItem], n: int
) -> list[RolloutItem]:
    """Items strictly before the n-th (0-based) real user message; ``[]`` when n is out of range."""
    if n < 0:
        raise InvalidRequest(f"cannot fork before user message {n}: the index must be 0 or more")
    seen = 0
    for index, item in enumerate(items):
        if isinstance(item, TranscriptRecord) and is_real_user_message(item.payload):
            if seen == n:
                return list(items[:index])
            seen += 1
    return []


def truncate_before_nth_user_message(history: InitialHistory, n: int) -> InitialHistory:
    """As in the Codex CLI: an empty cut is a ``new`` history, anything else is ``forked``."""
    kept = truncate_rollout_before_nth_user_message_from_start(history.items, n)
    if not kept:
        return InitialHistory.new()
    return history.fork_of_first(len(kept))


def fork_history(history: InitialHistory, n: int | None) -> InitialHistory:
    """What a fork starts from: every line before the n-th real user message, or with ``n``
    None every line (a copy of the whole thread, e.g. of one that another process has open)."""
    if n is None:
        return history.fork_of_first(len(history.items)) if history.items else InitialHistory.new()
    return truncate_before_nth_user_message(history, n)
