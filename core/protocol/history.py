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
    line_ends: list[int] | None = None
    """Read from one of lha's rollouts in which every line was readable: where each item's line
    ends in the file, so that a fork can copy the lines as they are (``copied_from``)."""
    copied_from: tuple[Path, int] | None = None
    """A fork whose items are exactly the first N bytes of this file's lines (path, N): the
    new rollout gets those bytes, not the items encoded again."""

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
        line_ends: list[int] | None = None,
    ) -> InitialHistory:
        return cls(
            kind="resumed",
            items=list(history),
            thread_id=thread_id,
            rollout_path=rollout_path,
            source_format=source_format,
            lost_user_messages=lost_user_messages,
            line_ends=line_ends,
        )

    @classmethod
    def forked(
        cls, items: list[RolloutItem], copied_from: tuple[Path, int] | None = None
    ) -> InitialHistory:
        return cls(kind="forked", items=list(items), copied_from=copied_from)

    def fork_of_first(self, count: int) -> InitialHistory:
        """A fork holding this history's first ``count`` items (``count`` > 0), copied from
        the file as they are when the line ends are known."""
        copied = None
        if self.line_ends is not None and self.rollout_path is not None:
            copied = (self.rollout_path, self.line_ends[count - 1])
        return InitialHistory.forked(self.items[:count], copied)

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
