"""Rebuilding what the model saw from a rollout's lines (for resume and fork)."""

from __future__ import annotations

from core.protocol.events import TokenCount, TokenUsageInfo
from core.protocol.items import TranscriptItem, user_message
from core.protocol.rollout import (
    CompactedRecord,
    EventRecord,
    RolloutItem,
    TranscriptRecord,
    TurnContextRecord,
)
from core.protocol.session import TurnContextItem


def reconstruct_history(items: list[RolloutItem]) -> list[TranscriptItem]:
    """The model-facing transcript, with each ``compacted`` line replacing what came before it."""
    history: list[TranscriptItem] = []
    for item in items:
        if isinstance(item, TranscriptRecord):
            history.append(item.payload)
        elif isinstance(item, CompactedRecord):
            compacted = item.payload
            if compacted.replacement_history is not None:
                history = list(compacted.replacement_history)
            else:
                history = [user_message(compacted.message)]
    return history


def last_turn_context(items: list[RolloutItem]) -> TurnContextItem | None:
    """The settings of the last recorded turn: a resumed thread continues with its model."""
    for item in reversed(items):
        if isinstance(item, TurnContextRecord):
            return item.payload
    return None


def last_token_info(items: list[RolloutItem]) -> TokenUsageInfo | None:
    """The last recorded token usage, so a resumed thread's counter continues where it was."""
    for item in reversed(items):
        if isinstance(item, EventRecord) and isinstance(item.payload, TokenCount):
            return item.payload.info
    return None
