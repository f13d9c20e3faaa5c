"""Slash commands typed in the composer, and their completion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlashCommand:
    name: str
    action: str
    help: str


SLASH_COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("/new", "new_thread", "start a new thread"),
    SlashCommand("/model", "pick_model", "choose the model for this thread"),
    SlashCommand("/fork", "fork_thread", "fork this thread before one of your messages"),
    SlashCommand(
        "/compact", "compact_thread", "summarise the history to free context [INSTRUCTIONS]"
    ),
    SlashCommand("/resume", "resume_session", "resume a past session from the sidebar"),
    SlashCommand("/quit", "quit", "quit lha"),
)


def matching_commands(text: str) -> list[SlashCommand]:
    """Commands completing ``text`` (a single word starting with ``/``), in menu order."""
    word = text.strip()
    if not word.startswith("/") or " " in word or "\n" in text.strip():
        return []
    return [c for c in SLASH_COMMANDS if c.name.startswith(word.lower())]


def parse_slash_command(text: str) -> SlashCommand | None:
    """The command ``text`` is, exactly (``/model`` but not ``/model please``)."""
    word = text.strip().lower()
    return next((c for c in SLASH_COMMANDS if c.name == word), None)


COMPACT = "/compact"


def compact_instructions(text: str) -> str | None:
    """For ``/compact [INSTRUCTIONS]``: the instructions ("" for none); None for other text."""
    stripped = text.strip()
    head, _, rest = stripped.partition(" ")
    if head.lower() != COMPACT and not stripped.lower().startswith(COMPACT + "\n"):
        return None
    if head.lower() != COMPACT:
        rest = stripped[len(COMPACT) :]
    return rest.strip()
