"""Session names in the UI: ``/rename NAME``, the thread list's rename key, and the names the
rows and the status line show.

Names are stored by ``core.session_names`` (a later rename wins). The file is read once, off the
event loop, right after the engine starts; from then on this cache is what the screen shows, and
each rename updates it, the file, and the one thing on screen that derives from it: a live
thread's state (its row and the status line, through the controller's one redraw) or a past
session's row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import LhaError

if TYPE_CHECKING:
    from core.protocol.ids import ThreadId
    from tui.thread_rows import ThreadRow
    from tui.threads.port import AppPort
    from tui.threads.state import ThreadState

StateOf = Callable[["ThreadId"], "ThreadState | None"]
Redraw = Callable[["ThreadState"], Awaitable[None]]


class SessionNames:
    def __init__(self, port: AppPort, lha_home: Path, state_of: StateOf, redraw: Redraw) -> None:
        self.port = port
        self.lha_home = lha_home
        self._state_of = state_of
        self._redraw = redraw
        self.names: dict[str, str] = {}
        """Every named session's name, by thread id (empty until ``load`` has read them)."""

    def of(self, thread_id: ThreadId) -> str | None:
        return self.names.get(str(thread_id))

    async def load(self) -> None:
        """Read the names file and show the names: on past rows, and on threads already open."""
        from core.session_names import read_names

        self.names.update(await asyncio.to_thread(read_names, self.lha_home))
        self.port.show_names(self.names)
        for thread_id, name in self.names.items():
            await self._show_on_open_thread(thread_id, name)

    async def _show_on_open_thread(self, thread_id: str, name: str) -> bool:
        from core.protocol.ids import ThreadId

        state = self._state_of(ThreadId(thread_id))
        if state is None:
            return False
        if state.name != name:
            state.name = name
            await self._redraw(state)
        return True

    async def rename(self, thread_id: ThreadId, name: str) -> str | None:
        """Name a session (live or past); the name as stored, or None (notified) when it cannot
        be one or could not be saved."""
        from core.session_names import set_name

        try:
            stored = await asyncio.to_thread(set_name, self.lha_home, thread_id, name)
        except (LhaError, OSError) as err:
            self.port.notify(f"not renamed: {_reason(err)}", severity="error", markup=False)
            return None
        self.names[str(thread_id)] = stored
        if not await self._show_on_open_thread(str(thread_id), stored):
            self.port.show_names({str(thread_id): stored})
        self.port.notify(f"named {thread_id.short}: {stored}", timeout=3, markup=False)
        return stored

    async def ask_and_rename(self, thread_id: ThreadId, current: str | None) -> str | None:
        """The rename modal, prefilled with the current name; Esc keeps it."""
        from tui.screens.rename import RenameScreen

        name = await self.port.ask(RenameScreen(current or ""))
        if name is None or (current is not None and name.strip() == current):
            return current
        return await self.rename(thread_id, name)

    async def rename_row(self, row: ThreadRow) -> str | None:
        state = self._state_of(row.thread_id)
        return await self.ask_and_rename(row.thread_id, state.name if state else row.name)


def _reason(err: Exception) -> str:
    if isinstance(err, OSError) and err.strerror:
        return f"{err.filename}: {err.strerror.lower()}" if err.filename else err.strerror.lower()
    return str(err)
