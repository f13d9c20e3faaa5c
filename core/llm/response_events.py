"""What the streaming model client yields, the same for both wire APIs.

Plain frozen dataclasses rather than pydantic models: a long answer is thousands of deltas and
these objects never cross a process boundary, so validation would be pure cost.

Contract for consumers: deltas are provisional. ``OutputItemDone`` carries each finished item of
the answer (what goes into the transcript). ``Retrying`` means the attempt that produced the
output so far failed and the request is being sent again: discard every delta and item received
since the request started (or since the previous ``Retrying``). ``Completed`` is always last.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.protocol.events import TokenUsage
from core.protocol.items import MessageItem, ReasoningItem, ToolCallItem


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the assistant's answer text."""

    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of the model's reasoning (a summary on the Responses API, raw on Chat)."""

    text: str


@dataclass(frozen=True, slots=True)
class OutputItemDone:
    """A finished output item: assistant message, reasoning, or a tool call."""

    item: MessageItem | ReasoningItem | ToolCallItem


@dataclass(frozen=True, slots=True)
class Refusal:
    """The model declined to answer: its whole refusal text, which is not part of an answer
    (Chat streams it as ``delta.refusal``, Responses as ``refusal`` content)."""

    text: str


@dataclass(frozen=True, slots=True)
class Retrying:
    """The stream failed after output was yielded; the client waits ``delay_s`` and re-sends."""

    attempt: int
    delay_s: float
    reason: str


@dataclass(frozen=True, slots=True)
class Completed:
    """The response finished. ``finish_reason`` is "stop", "tool_calls", "length", ..."""

    response_id: str | None
    usage: TokenUsage | None
    finish_reason: str | None


ResponseEvent = TextDelta | ReasoningDelta | OutputItemDone | Refusal | Retrying | Completed
