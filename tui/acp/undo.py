"""``/undo`` over ACP: the CLI's undo, with the client asked before any file is written.

The plan comes from the same engine call ``lha undo`` uses; the client gets a permission
request listing every file (those changed since the turn marked, as the CLI marks them) and
nothing is restored unless the user goes ahead.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from acp import text_block, tool_content
from acp.schema import ToolCallLocation, ToolCallUpdate

from core.sanitize import neutralize_terminal_escapes
from tui.acp.permissions import client_confirms

if TYPE_CHECKING:
    from acp.interfaces import Client

    from core.snapshots.undo import UndoPlan

EDITED_MARK = "  (changed since: your edit is overwritten)"


def undo_request(plan: UndoPlan) -> ToolCallUpdate:
    """The permission request's tool call: the files, one per line, edits since marked."""
    files = plan.restore.files
    edited = set(plan.restore.changed_since)
    lines = [
        neutralize_terminal_escapes(str(path)) + (EDITED_MARK if path in edited else "")
        for path in files
    ]
    title = f"undo turn {plan.turn}: put back {len(files)} files"
    if edited:
        title += f", {len(edited)} changed since"
    return ToolCallUpdate(
        tool_call_id=f"undo-turn-{plan.turn}",
        title=title,
        kind="edit",
        status="pending",
        content=[tool_content(text_block("\n".join(lines)))],
        locations=[ToolCallLocation(path=str(path)) for path in files],
    )


async def undo_last_turn(client: Client, session_id: str, lha_home: Path) -> str:
    """Undo the thread's last changing turn once the client agrees; what happened, as text."""
    from core.snapshots.undo import apply_undo, plan_undo

    plan = await asyncio.to_thread(plan_undo, lha_home, session_id)
    if not plan.restore.files:
        answer = f"turn {plan.turn}'s changes were already undone on disk; nothing to change"
    elif not await client_confirms(client, session_id, undo_request(plan)):
        return "nothing was changed"
    else:
        answer = f"undid turn {plan.turn} ({len(plan.restore.files)} files put back)"
    skipped = await asyncio.to_thread(apply_undo, lha_home, plan)
    notes = [f"\nleft {path} alone: it leads outside its folder" for path in skipped]
    return answer + "".join(notes)
