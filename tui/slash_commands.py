"""Slash commands typed in the composer, and their completion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlashCommand:
    name: str
    action: str
    help: str
    argument: str | None = None
    """What may follow the name after a space, as the hint shows it (``[FILE]``, ``TEXT``);
    None when nothing may."""

    @property
    def usage(self) -> str:
        return f"{self.name} {self.argument}" if self.argument else self.name


SLASH_COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("/new", "new_thread", "start a new thread"),
    SlashCommand("/model", "pick_model", "choose the model for this thread"),
    SlashCommand("/fork", "fork_whole_thread", "fork the whole thread (Ctrl+B: before a message)"),
    SlashCommand("/parent", "open_parent", "open the thread this fork was made from"),
    SlashCommand("/rename", "rename_thread", "name this thread", argument="[NAME]"),
    SlashCommand(
        "/compact",
        "compact_thread",
        "summarise the history to free context",
        argument="[INSTRUCTIONS]",
    ),
    SlashCommand(
        "/diff",
        "show_diff",
        "the file changes of the last turn that made some (--all: every one)",
        argument="[--all]",
    ),
    SlashCommand("/undo", "undo_files", "put the files back as before the last changing turn"),
    SlashCommand("/resume", "resume_session", "resume a past session from the sidebar"),
    SlashCommand(
        "/export",
        "export_thread",
        "save this thread (.md, .html or .json; in its folder)",
        argument="[FILE]",
    ),
    SlashCommand("/copy", "copy_last_answer", "copy the last answer (its Markdown)"),
    SlashCommand("/image", "attach_image", "attach an image to the next message", argument="PATH"),
    SlashCommand("/find", "find", "find TEXT in this thread", argument="TEXT"),
    SlashCommand(
        "/search", "search_sessions", "find past sessions by what was said", argument="[QUERY]"
    ),
    SlashCommand("/outline", "outline", "jump to one of your messages"),
    SlashCommand("/quit", "quit", "quit lha"),
)


def matching_commands(text: str) -> list[SlashCommand]:
    """Commands completing ``text`` (a single word starting with ``/``), in menu order."""
    word = text.strip()
    if not word.startswith("/") or " " in word or "\n" in text.strip():
        return []
    return [c for c in SLASH_COMMANDS if c.name.startswith(word.lower())]


def parse_slash_command(text: str) -> str | None:
    """The action ``text`` runs, when it is a command exactly (``/model`` but not ``/model
    please``); a command taking text gets it as the action's argument (``/find a b`` runs
    ``find('a b')``)."""
    word, _, rest = text.strip().partition(" ")
    command = next((c for c in SLASH_COMMANDS if c.name == word.lower()), None)
    if command is None or "\n" in rest or (rest.strip() and not command.argument):
        return None
    if command.argument and rest.strip():
        return f"{command.action}({rest.strip()!r})"
    return command.action
