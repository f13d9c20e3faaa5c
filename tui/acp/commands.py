"""Slash commands an ACP client offers in its prompt box (``available_commands_update``).

Only commands that make sense without lha's own UI are offered: ``/diff`` answers from the
thread's file snapshots without asking the model. Switching models is a config option, and
forking or resuming are the client's own session methods.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from acp.schema import AvailableCommand, AvailableCommandsUpdate

from core.errors import LhaError
from core.sanitize import neutralize_terminal_escapes

COMMANDS: tuple[AvailableCommand, ...] = (
    AvailableCommand(
        name="diff", description="show the file changes of this thread's last changing turn"
    ),
)


def commands_update() -> AvailableCommandsUpdate:
    return AvailableCommandsUpdate(
        session_update="available_commands_update", available_commands=list(COMMANDS)
    )


def command_of(text: str) -> str | None:
    """The command a prompt is (``/diff``), or None for an ordinary prompt."""
    word = text.strip()
    names = {f"/{c.name}" for c in COMMANDS}
    return word[1:] if word in names else None


async def run_command(name: str, lha_home: Path, thread_id: str) -> str:
    """The command's answer, as text for the client to show."""
    from core.snapshots.diff import turn_diff

    assert name == "diff", name
    try:
        text = await asyncio.to_thread(turn_diff, lha_home, thread_id)
    except LhaError as err:
        return str(err)
    if not text:
        return "no file changes"
    return f"```diff\n{neutralize_terminal_escapes(text)}```"
