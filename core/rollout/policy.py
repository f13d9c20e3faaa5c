"""What a rollout keeps: everything the model saw, plus the events worth replaying.

Deltas and lifecycle events are dropped: a resumed thread replays whole messages, and a rollout
full of one-token deltas would be ten times larger and slower to load.
"""

from __future__ import annotations

from core.protocol.events import PERSISTED_EVENT_TYPES
from core.protocol.rollout import EventRecord, RolloutItem


def is_persisted_item(item: RolloutItem) -> bool:
    """True when ``item`` belongs in a rollout file."""
    if isinstance(item, EventRecord):
        return item.payload.type in PERSISTED_EVENT_TYPES
    return True
