"""Slash commands an ACP client offers in its prompt box (``available_commands_update``).

They are lha's own commands that make sense without its UI, each run by the same engine call
the TUI or the CLI uses: ``/compact [INSTRUCTIONS]``, ``/rename NAME``, ``/fork [N]``,
``/undo`` and ``/diff``. A prompt whose text starts with ``/NAME`` of one of them runs it
instead of a turn; the answer comes back as agent message text. Switching models is a config
option, and resuming is the client's own session method.
"""

from __future__ import annotations

from dataclasses import dataclass

from acp.schema import (
    AvailableCommand,
    AvailableCommandInput,
    AvailableCommandsUpdate,
    UnstructuredCommandInput,
)


def _command(name: str, description: str, hint: str | None = None) -> AvailableCommand:
    given = AvailableCommandInput(root=UnstructuredCommandInput(hint=hint)) if hint else None
    return AvailableCommand(name=name, description=description, input=given)


COMMANDS: tuple[AvailableCommand, ...] = (
    _command(
        "compact",
        "summarise the history to free the model's context",
        hint="optional: what the summary should keep",
    ),
    _command("rename", "name this session (resume, fork and search by name)", hint="NAME"),
    _command(
        "fork",
        "copy this thread into a new session; fork N: before your message N (0 is the first)",
        hint="optional: N",
    ),
    _command("undo", "put the files back as before this thread's last changing turn"),
    _command("diff", "show the file changes of this thread's last changing turn"),
)


@dataclass(frozen=True)
class CommandCall:
    name: str
    argument: str
    """What followed the name, stripped ('' when nothing did)."""


def commands_update() -> AvailableCommandsUpdate:
    return AvailableCommandsUpdate(
        session_update="available_commands_update", available_commands=list(COMMANDS)
    )


def command_of(text: str) -> CommandCall | None:
    """The command a prompt is (``/rename my work``), or None for an ordinary prompt."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None
    word, _, rest = stripped.partition(" ")
    if "\n" in word:
        word, _, more = word.partition("\n")
        rest = f"{more} {rest}"
    name = word[1:]
    if name not in {c.name for c in COMMANDS}:
        return None
    return CommandCall(name=name, argument=rest.strip())
