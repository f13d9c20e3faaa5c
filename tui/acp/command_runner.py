"""Running the slash commands of ``tui.acp.commands`` for one session.

Each command is the engine call the TUI or the CLI makes for it; its answer is text the agent
sends as an agent message. An lha error (no snapshots, a bad name) is that answer too, one line,
as the CLI would print it; a command while a prompt runs is refused like a second prompt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from acp.schema import SessionInfoUpdate, StopReason

from core.errors import InvalidRequest, LhaError
from core.sanitize import neutralize_terminal_escapes
from tui.acp.commands import CommandCall
from tui.acp.undo import undo_last_turn

if TYPE_CHECKING:
    from tui.acp.session import AcpSession

Forker = Callable[[int | None], Awaitable[str]]
"""Makes a fork of the session (before user message N, or whole) and gives its session id."""


@dataclass(frozen=True)
class CommandAnswer:
    text: str
    stop_reason: StopReason = "end_turn"


async def run_command(
    call: CommandCall, session: AcpSession, lha_home: Path, fork: Forker
) -> CommandAnswer:
    session.refuse_while_running()
    try:
        match call.name:
            case "compact":
                return await _compact(session, call.argument)
            case "rename":
                return CommandAnswer(await _rename(session, lha_home, call.argument))
            case "fork":
                return CommandAnswer(await _fork(fork, call.argument))
            case "undo":
                text = await undo_last_turn(session.client, session.session_id, lha_home)
                return CommandAnswer(text)
            case _:
                return CommandAnswer(await _diff(lha_home, session.session_id))
    except LhaError as err:
        return CommandAnswer(str(err))


async def _compact(session: AcpSession, instructions: str) -> CommandAnswer:
    """The TUI's ``/compact``: the same op; the "context compacted" line is sent as it happens."""
    from core.protocol.ops import Compact

    stop = await session.run_task(Compact(instructions=instructions or None))
    if stop == "cancelled":
        return CommandAnswer("the compaction was cancelled; the history is unchanged", stop)
    return CommandAnswer("\n".join(session.warnings), stop)


async def _rename(session: AcpSession, lha_home: Path, name: str) -> str:
    from core.session_names import set_name

    stored = await asyncio.to_thread(set_name, lha_home, session.session_id, name)
    await session.send(SessionInfoUpdate(session_update="session_info_update", title=stored))
    return f"this session is now named {stored!r}"


async def _fork(fork: Forker, argument: str) -> str:
    if argument and not argument.isdigit():
        raise InvalidRequest("fork takes a message number N (0 is your first message), or nothing")
    at = int(argument) if argument else None
    new_id = await fork(at)
    where = "the whole thread" if at is None else f"the thread before your message {at}"
    return f"forked {where} into session {new_id}; open it from the session list"


async def _diff(lha_home: Path, thread_id: str) -> str:
    from core.snapshots.diff import turn_diff

    text = await asyncio.to_thread(turn_diff, lha_home, thread_id)
    if not text:
        return "no file changes"
    return f"```diff\n{neutralize_terminal_escapes(text)}```"
