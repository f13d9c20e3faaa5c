"""What the status line says, as plain text: the status line widget and the first frame painted
before Textual loads (``tui.prepaint``) both show it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.sanitize import neutralize_terminal_escapes

if TYPE_CHECKING:
    from core.protocol.events import TokenUsageInfo


@dataclass
class StatusInfo:
    model: str | None = None
    provider: str | None = None
    thread_id: str | None = None
    """As shown: the short form (``ThreadId.short``)."""
    cwd: Path | None = None
    tokens: TokenUsageInfo | None = None
    context_window: int | None = None
    running: bool = False
    effort: str | None = None
    """The thread's reasoning effort, shown beside the model."""
    name: str | None = None
    """The thread's name, shown before its id."""


def human_tokens(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 1000:
        return f"{count / 1000:.1f}k"
    return str(count)


def short_cwd(cwd: Path) -> str:
    home = Path.home()
    try:
        return "~/" + str(cwd.relative_to(home)) if cwd != home else "~"
    except ValueError:
        return str(cwd)


def status_text(info: StatusInfo) -> str:
    parts: list[str] = []
    if info.running:
        parts.append("● working")
    model = info.model or "no model"
    parts.append(f"{model} ({info.effort})" if info.effort else model)
    if info.provider:
        parts.append(info.provider)
    if info.name:
        parts.append(neutralize_terminal_escapes(info.name))
    if info.thread_id:
        parts.append(info.thread_id)
    if info.cwd is not None:
        parts.append(short_cwd(info.cwd))
    if info.tokens is not None:
        used = info.tokens.total_token_usage.total_tokens
        window = info.tokens.model_context_window or info.context_window
        last = info.tokens.last_token_usage.total_tokens or used
        tokens = f"{human_tokens(used)} tokens"
        if window:
            left = max(0, 100 - int(100 * last / window))
            tokens += f" · {left}% context left"
        parts.append(tokens)
    return " · ".join(parts)
