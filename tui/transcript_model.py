"""What a transcript shows, as plain data: built from a thread's events, rendered by widgets.

Keeping the entries as data (not widgets) is what lets a 1,000-turn thread open fast: only the
entries near the viewport are mounted as widgets, the rest stay here until scrolled to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.protocol.events import (
    AgentMessage,
    AgentReasoning,
    ErrorEvent,
    EventMsg,
    TokenCount,
    TokenUsageInfo,
    ToolCallEnd,
    TurnAbortedEvent,
    UserMessageEvent,
    Warning,
)

EntryKind = Literal["user", "assistant", "reasoning", "tool", "warning", "error"]


@dataclass
class Entry:
    """One block of the transcript."""

    kind: EntryKind
    text: str
    title: str = ""
    success: bool = True
    details: dict[str, str] = field(default_factory=dict)


def entry_for_event(msg: EventMsg) -> Entry | None:
    """The finished entry an event stands for, or None when it has no block of its own."""
    if isinstance(msg, UserMessageEvent):
        return Entry("user", msg.message)
    if isinstance(msg, AgentMessage):
        return Entry("assistant", msg.message)
    if isinstance(msg, AgentReasoning):
        return Entry("reasoning", msg.text)
    if isinstance(msg, ToolCallEnd):
        return Entry(
            "tool",
            msg.output,
            title=msg.tool_name,
            success=msg.success,
            details={"call_id": msg.call_id},
        )
    if isinstance(msg, Warning):
        return Entry("warning", msg.message)
    if isinstance(msg, ErrorEvent):
        return Entry("error", msg.message)
    if isinstance(msg, TurnAbortedEvent):
        return Entry("warning", f"turn aborted ({msg.reason})")
    return None


def entries_from_replay(messages: list[EventMsg]) -> list[Entry]:
    """The transcript of a resumed or forked thread, from ``initial_messages``."""
    return [entry for msg in messages if (entry := entry_for_event(msg)) is not None]


def last_token_info(messages: list[EventMsg]) -> TokenUsageInfo | None:
    """The newest token usage among replayed events, for the status line of a resumed thread."""
    for msg in reversed(messages):
        if isinstance(msg, TokenCount) and msg.info is not None:
            return msg.info
    return None
