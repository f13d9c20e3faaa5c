"""Slash commands typed in the composer, and their completion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlashCommand:
    name: str
    action: str
    help: str
    argument: str | None = None
    """What may follow the name after a space, as the hint shows it (``[FILE]``); None when
    nothing may."""

    @property
    def usage(self) -> str:
        return f"{self.name} {self.argument}" if self.argument else self.name


SLASH_COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("/new", "new_thread", "start a new thread"),
    SlashCommand("/model", "pick_model", "choose the model for this thread"),
    SlashCommand("/fork", "fork_thread", "fork this thread before one of your messages"),
    SlashCommand(
        "/compact",
        "compact_thread",
        "summarise the history to free context",
        argument="[INSTRUCTIONS]",
    ),
    SlashCommand("/resume", "resume_session", "resume a past session from the sidebar"),
    SlashCommand(
        "/export",
        "export_thread",
        "save this thread (.md, .html or .json; in its folder)",
        argument="[FILE]",
    ),
    SlashCommand("/quit", "quit", "quit lha"),
)


def matching_commands(text: str) -> list[SlashCommand]:
    """Commands completing ``text`` (a single word starting with ``/``), in menu order."""
    word = text.strip()
    if not word.startswith("/") or " " in word or "\n" in text.strip():
        return []
    return [c for c in SLASH_COMMANDS if c.name.startswith(word.lower())]


def parse_slash_command(text: str) -> tuple[SlashCommand, str] | None:
    """The command ``text`` is and its argument (``/export notes.md``): ``/model`` but not
    ``/model please``, which takes no argument and is sent as a message."""
    word, _, rest = text.strip().partition(" ")
    command = next((c for c in SLASH_COMMANDS if c.name == word.lower()), None)
    if command is None or "\n" in rest or (rest.strip() and command.argument is None):
        return None
    return command, rest.strip()
