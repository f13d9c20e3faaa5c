"""The way back from a fork: its parent, at the message the fork was made before.

The parent is the thread on screen's ``forked_from_id``; the fork point is read from the two
rollouts (``core.rollout.fork_point``). An open parent is shown; a past one is resumed, through
the controller's one path for opening threads. Its transcript then scrolls to that message and
marks it as find marks a match.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import LhaError

if TYPE_CHECKING:
    from core.protocol.ids import ThreadId
    from tui.threads.controller import Controller
    from tui.widgets.transcript import Transcript


async def open_parent(controller: Controller) -> None:
    state = controller.current_thread()
    if state is None or state.forked_from_id is None:
        controller.port.notify("this thread is not a fork: it has no parent to open")
        return
    parent_id = state.forked_from_id
    parent_path = await _parent_path(controller, parent_id)
    if parent_path is None:
        controller.port.notify(
            f"the session this was forked from ({parent_id}) is gone: deleted or archived",
            severity="warning",
            markup=False,
        )
        return
    point = await _point(state.rollout_path, parent_path)
    parent = controller.threads.get(parent_id)
    if parent is not None:
        controller.select_thread(parent_id)
    else:
        parent = await controller.resume_path(parent_path)
    if parent is not None:
        await show_fork_point(parent.transcript, point)


async def _parent_path(controller: Controller, parent_id: ThreadId) -> Path | None:
    from core.rollout.listing import find_thread_path_by_id

    open_parent = controller.threads.get(parent_id)
    if open_parent is not None and open_parent.rollout_path is not None:
        return open_parent.rollout_path
    try:
        roots = controller.config.session_roots()
        return await find_thread_path_by_id(controller.config.lha_home, parent_id, roots)
    except LhaError:
        return None


async def _point(fork_path: Path | None, parent_path: Path) -> int | None:
    """The parent's user message the fork was made before; None (its end) when unknown."""
    from core.rollout.fork_point import read_fork_point

    if fork_path is None or not await asyncio.to_thread(fork_path.exists):
        return None
    try:
        return await read_fork_point(fork_path, parent_path)
    except LhaError:
        return None


async def show_fork_point(transcript: Transcript, point: int | None) -> int | None:
    """Scroll to the ``point``-th user message (None: the last entry), focus and mark it;
    returns the entry's index."""
    users = [index for index, entry in enumerate(transcript.entries) if entry.kind == "user"]
    if point is not None and point < len(users):
        target = users[point]
    elif transcript.entries:
        target = len(transcript.entries) - 1
    else:
        return None
    await transcript.reveal(target, focus=True)
    transcript.mark_found({target}, target)
    return target
