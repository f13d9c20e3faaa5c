"""What a transcript shows, as plain data: built from a thread's events, rendered by widgets.

Keeping the entries as data (not widgets) is what lets a 1,000-turn thread open fast: only the
entries near the viewport are mounted as widgets, the rest stay here until scrolled to.

One mapping serves both sources of events: the engine's event objects and the raw JSON payloads
``lha resume`` reads from a rollout's tail to draw its first screen before the protocol models
are even imported. So this module imports no pydantic model at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from core.tools.plan_format import PLAN_TOOL_NAME, plan_of_output

if TYPE_CHECKING:
    from core.protocol.events import EventMsg, TokenUsageInfo

EntryKind = Literal[
    "user", "assistant", "reasoning", "tool", "plan", "warning", "error", "refusal", "compaction"
]


@dataclass
class Entry:
    """One block of the transcript."""

    kind: EntryKind
    text: str
    title: str = ""
    success: bool = True
    details: dict[str, str] = field(default_factory=dict)
    images: list[str] = field(default_factory=list)
    """A user message's attached images, as chip labels (name, size, dimensions)."""


def entry_for_payload(payload: Mapping[str, Any]) -> Entry | None:
    """The finished entry of an event's fields (a rollout line's raw ``event_msg`` payload, or
    an engine event's fields), dispatched on its ``type`` tag; None when it has no block of its
    own. Fields are shown as text whatever their JSON type."""
    field_of = payload.get

    def text(name: str) -> str:
        value = field_of(name)
        return value if isinstance(value, str) else "" if value is None else str(value)

    match field_of("type"):
        case "user_message":
            return Entry("user", text("message"), images=image_chips(payload))
        case "agent_message":
            return Entry("assistant", text("message"))
        case "agent_reasoning":
            return Entry("reasoning", text("text"))
        case "tool_call_end" if field_of("tool_name") == PLAN_TOOL_NAME and plan_of_output(
            text("output")
        ):
            return Entry("plan", text("output"), title="plan")
        case "tool_call_end":
            details = {"call_id": text("call_id")}
            if isinstance(field_of("arguments"), str):  # an apply_patch call's patch
                details["arguments"] = text("arguments")
            return Entry(
                "tool",
                text("output"),
                title=text("tool_name"),
                success=field_of("success") is not False,
                details=details,
            )
        case "warning":
            return Entry("warning", text("message"))
        case "model_refusal":
            return Entry("refusal", text("message"))
        case "error":
            return Entry("error", text("message"))
        case "turn_aborted":
            return Entry("warning", f"turn aborted ({text('reason')})")
        case "context_compacted":
            return Entry("compaction", text("summary"), title=compaction_title(payload))
    return None


def image_chips(payload: Mapping[str, Any]) -> list[str]:
    """Chip labels for a ``user_message`` payload's images (``data:`` URLs) and their names."""
    urls = payload.get("images")
    if not isinstance(urls, list) or not urls:
        return []
    from core.images.attachment import describe_image_url

    names = payload.get("image_names")
    names = names if isinstance(names, list) else []
    chips = []
    for n, url in enumerate(urls):
        name = names[n] if n < len(names) and isinstance(names[n], str) else None
        chips.append(describe_image_url(url, name) if isinstance(url, str) else "image")
    return chips


def compaction_title(payload: Mapping[str, Any]) -> str:
    """``context compacted · ~12,345 → ~1,234 tokens``: where the history was summarised."""
    before, after = payload.get("tokens_before"), payload.get("tokens_after")
    how = "context compacted automatically" if payload.get("automatic") else "context compacted"
    if isinstance(before, int) and isinstance(after, int):
        return f"{how} · ~{before:,} → ~{after:,} tokens"
    return how


def entry_for_event(msg: EventMsg) -> Entry | None:
    """The finished entry an engine event stands for: its fields, as the rollout holds them
    (``vars`` of a model is its field dict; no copy, no serialization)."""
    return entry_for_payload(vars(msg))


def entries_from_replay(messages: list[EventMsg]) -> list[Entry]:
    """The transcript of a resumed or forked thread, from ``initial_messages``."""
    return [entry for msg in messages if (entry := entry_for_event(msg)) is not None]


def last_token_info(messages: list[EventMsg]) -> TokenUsageInfo | None:
    """The newest token usage among replayed events, for the status line of a resumed thread."""
    for msg in reversed(messages):
        if msg.type == "token_count" and msg.info is not None:
            return msg.info
    return None
