"""What the UI does with a session's file: export the thread on screen (``/export [FILE]``),
archive or delete a past session from the sidebar (delete asks first, in a modal).

The work is ``core.export`` and ``core.rollout.tidy``, run off the event loop; errors are
notified as one line, never raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import LhaError

if TYPE_CHECKING:
    from tui.thread_rows import ThreadRow
    from tui.threads.port import AppPort
    from tui.threads.state import ThreadState


def export_target(state: ThreadState, file: str) -> Path:
    """``FILE`` relative to the thread's folder; by default ``lha-<short id>.md`` there."""
    name = file.strip() or f"lha-{state.thread_id.short}.md"
    return state.cwd / Path(name).expanduser()


class SessionFiles:
    def __init__(self, port: AppPort, lha_home: Path) -> None:
        self.port = port
        self.lha_home = lha_home

    async def export(self, state: ThreadState | None, file: str) -> Path | None:
        """Write the thread on screen to ``file`` (format by its suffix); the path written."""
        from core.export import export_rollout, format_for_file, write_document

        path = state.rollout_path if state is not None else None
        if state is None or path is None or not state.has_user_message:
            self.port.notify("nothing to export yet: send a message first", severity="warning")
            return None
        target = export_target(state, file)
        try:
            document = await asyncio.to_thread(export_rollout, path, format_for_file(target))
            await asyncio.to_thread(write_document, target, document)
        except (LhaError, OSError) as err:
            self.port.notify(f"could not export: {_reason(err)}", severity="error", markup=False)
            return None
        self.port.notify(f"exported to {target}", markup=False)
        return target

    async def archive(self, row: ThreadRow) -> bool:
        """Archive a past session; its row leaves the sidebar."""
        from core.rollout.tidy import archive_rollout

        if not self._is_past(row) or row.path is None:
            return False
        if not await self._run(archive_rollout, row):
            return False
        await self.port.remove_row(row.thread_id)
        self.port.notify(f"archived; `lha unarchive {row.thread_id}` brings it back", markup=False)
        return True

    async def delete(self, row: ThreadRow) -> bool:
        """Delete a past session once the user confirms in a modal."""
        from core.rollout.tidy import delete_rollout
        from tui.screens.confirm_delete import ConfirmDeleteScreen

        if not self._is_past(row) or not await self.port.ask(ConfirmDeleteScreen(row)):
            return False
        if not await self._run(delete_rollout, row):
            return False
        await self.port.remove_row(row.thread_id)
        self.port.notify(f"deleted {row.thread_id.short}", markup=False)
        return True

    def _is_past(self, row: ThreadRow) -> bool:
        if row.live:
            self.port.notify(
                "this thread is open here; only past sessions can be archived or deleted",
                severity="warning",
            )
        return not row.live and row.path is not None

    async def _run(self, work: Callable[[Path, Path], object], row: ThreadRow) -> bool:
        """``work(lha_home, rollout)`` off the event loop; False (notified) when it failed."""
        assert row.path is not None
        try:
            await asyncio.to_thread(work, self.lha_home, row.path)
        except (LhaError, OSError) as err:
            self.port.notify(_reason(err), severity="error", markup=False)
            return False
        return True


def _reason(err: Exception) -> str:
    if isinstance(err, OSError) and err.strerror:
        where = f"{err.filename}: " if err.filename else ""
        return f"{where}{err.strerror.lower()}"
    return str(err)
