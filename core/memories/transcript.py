"""A past rollout as plain text for the summariser: what the user asked, what the agent said and
did, with bounded size.

Only what matters for remembering goes in: real user messages, assistant answers, tool calls and
their (shortened) outputs, and compaction summaries. Injected context (environment, AGENTS.md,
skills), reasoning and events are left out. A long transcript keeps its beginning (the task) and
its end (how it went), with a marker saying how much was cut from the middle.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.protocol.items import MessageItem, ToolCallItem, ToolCallOutputItem
from core.protocol.rollout import CompactedRecord, RolloutItem, TranscriptRecord
from core.rollout.session_prefix import is_real_user_message

TOOL_ARGS_CHARS = 300
TOOL_OUTPUT_CHARS = 500
HEAD_SHARE = 0.3
"""Of the character budget, this share goes to the start of the session, the rest to its end."""


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " [...]"


def _lines(items: Iterable[RolloutItem]) -> Iterable[str]:
    for record in items:
        if isinstance(record, CompactedRecord):
            yield f"[summary of earlier conversation]\n{record.payload.message.strip()}"
            continue
        if not isinstance(record, TranscriptRecord):
            continue
        item = record.payload
        if isinstance(item, MessageItem):
            if item.role == "assistant":
                yield f"Assistant: {item.text().strip()}"
            elif is_real_user_message(item):
                yield f"User: {item.text().strip()}"
        elif isinstance(item, ToolCallItem):
            arguments = getattr(item.payload, "arguments", None) or ""
            yield f"[tool call] {item.tool_name}({_clip(str(arguments), TOOL_ARGS_CHARS)})"
        elif isinstance(item, ToolCallOutputItem):
            yield f"[tool output] {_clip(item.output, TOOL_OUTPUT_CHARS)}"


def bound_text(text: str, max_chars: int) -> str:
    """``text`` cut to about ``max_chars``: its head and tail, with the middle marked as omitted."""
    if len(text) <= max_chars:
        return text
    head = int(max_chars * HEAD_SHARE)
    tail = max_chars - head
    omitted = len(text) - head - tail
    return f"{text[:head]}\n\n[... {omitted} characters omitted ...]\n\n{text[-tail:]}"


def render_transcript(items: Iterable[RolloutItem], max_chars: int) -> str:
    """The conversation as text (empty when there is nothing worth summarising)."""
    return bound_text("\n\n".join(line for line in _lines(items) if line.strip()), max_chars)
