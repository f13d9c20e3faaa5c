"""What a new agent starts from: nothing, a resumed rollout, or a fork's kept lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from core.protocol.events import EventMsg
from core.protocol.ids import ThreadId
from core.protocol.rollout import EventRecord, RolloutItem, SessionMetaRecord


@dataclass(frozen=True)
class InitialHistory:
    """``kind`` is ``new``, ``resumed`` (same id, same file) or ``forked`` (new id, new file)."""

    kind: Literal["new", "resumed", "forked"]
    items: list[RolloutItem] = field(default_factory=list)
    thread_id: ThreadId | None = None
    rollout_path: Path | None = None
    source_format: str = "lha"
    """``lha``, or ``codex`` for a Codex CLI rollout: never resumed in place, only forked."""
    lost_user_messages: str | None = None
    """Which lines held user messages the reader could not read, and why; None when none."""

    @classmethod
    def new(cls) -> InitialHistory:
        return cls(kind="new")

    @classmethod
    def resumed(
        cls,
        thread_id: ThreadId,
        history: list[RolloutItem],
        rollout_path: Path,
        *,
        source_format: str = "lha",
        lost_user_messages: str | None = None,
    ) -> InitialHistory:
        return cls(
            kind="resumed",
            items=list(history),
            thread_id=thread_id,
            rollout_path=rollout_path,
            source_format=source_format,
            lost_user_messages=lost_user_messages,
        )

    @classmethod
    def forked(cls, items: list[RolloutItem]) -> InitialHistory:
        return cls(kind="forked", items=list(items))

    @property
    def history(self) -> list[RolloutItem]:
        """The resumed rollout's items (the Codex CLI's ``ResumedHistory.history``)."""
        return self.items

    def get_rollout_items(self) -> list[RolloutItem]:
        return list(self.items)

    def get_event_msgs(self) -> list[EventMsg] | None:
        """The stored events, for ``session_configured.initial_messages``; None for a new thread."""
        if self.kind == "new":
            return None
        return [item.payload for item in self.items if isinstance(item, EventRecord)]

    def forked_from_id(self) -> ThreadId | None:
        """For a fork: the id in the first ``session_meta`` of the kept lines (the source)."""
        if self.kind != "forked":
            return None
        for item in self.items:
            if isinstance(item, SessionMetaRecord):
                return item.payload.id
        return None
