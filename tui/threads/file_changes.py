"""What the UI does with a thread's file snapshots: ``/diff`` (a screen of coloured hunks),
``/undo`` (the files listed, then a confirmation) and the fork dialog's "restore files".

The work is ``core.snapshots``, the same calls ``lha diff``, ``lha undo`` and ``--restore-files``
make, run off the event loop. Whatever makes snapshots unusable (no git, none taken, a damaged
store, a folder gone or replaced) is one notification and nothing is touched.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import LhaError

if TYPE_CHECKING:
    from core.snapshots.restore import RestorePlan
    from tui.threads.port import AppPort
    from tui.threads.state import ThreadState


class FileChanges:
    def __init__(self, port: AppPort, lha_home: Path) -> None:
        self.port = port
        self.lha_home = lha_home

    async def show_diff(self, state: ThreadState | None, *, whole: bool = False) -> None:
        """``/diff``: the last turn that changed files, in a screen that steps through the
        others (``whole``: every change since the thread began)."""
        from core.snapshots.diff import changed_turns, turn_diff
        from tui.screens.diff_view import DiffScreen, DiffSource

        if state is None:
            self.port.notify("no thread on screen", severity="warning", timeout=3)
            return
        thread_id = str(state.thread_id)
        try:
            turns = await asyncio.to_thread(changed_turns, self.lha_home, thread_id)
        except (LhaError, OSError) as err:
            self._fail(err)
            return
        if not turns:
            self.port.notify("no file changes in this thread yet", timeout=3)
            return

        async def load(turn: int | None) -> str:
            return await asyncio.to_thread(
                turn_diff, self.lha_home, thread_id, turn=turn, whole=turn is None
            )

        await self.port.ask(DiffScreen(DiffSource(turns, load), whole=whole))

    async def undo(self, state: ThreadState | None) -> bool:
        """``/undo``: put the files back as before the last turn that changed them, once the
        user has seen the list and confirmed. True when files were restored."""
        from core.snapshots.undo import apply_undo, plan_undo
        from tui.screens.confirm_restore import ConfirmRestoreScreen

        if state is None:
            self.port.notify("no thread on screen", severity="warning", timeout=3)
            return False
        if state.running:
            self.port.notify("wait for the turn to finish (or Esc to interrupt) before undoing")
            return False
        try:
            plan = await asyncio.to_thread(plan_undo, self.lha_home, str(state.thread_id))
        except (LhaError, OSError) as err:
            self._fail(err)
            return False
        files = plan.restore.files
        if files:
            title = f"Undo message {plan.turn + 1}'s changes"
            if not await self.port.ask(ConfirmRestoreScreen(plan.restore, title)):
                self.port.notify("nothing was changed", timeout=2)
                return False
        try:
            skipped = await asyncio.to_thread(apply_undo, self.lha_home, plan)
        except (LhaError, OSError) as err:
            self._fail(err)
            return False
        self._report_skipped(skipped)
        if files:
            done = f"undid message {plan.turn + 1}'s changes ({_count(len(files))})"
        else:
            done = f"message {plan.turn + 1}'s changes were already undone on disk"
        self.port.notify(f"{done}; /undo again goes one turn further back", markup=False)
        return bool(files)

    async def restore_before(self, rollout: Path, n: int) -> bool:
        """Put the files back as before user message ``n`` (0-based), for a fork made from
        there; asks first when that overwrites files changed since. False: nothing changed,
        and no fork should be made."""
        from core.snapshots.fork_files import plan_restore_before_message, thread_lineage
        from tui.screens.confirm_restore import ConfirmRestoreScreen

        def plan() -> RestorePlan:
            lineage = thread_lineage(self.lha_home, rollout)
            return plan_restore_before_message(self.lha_home, lineage, n)

        try:
            restore = await asyncio.to_thread(plan)
        except (LhaError, OSError) as err:
            self._fail(err, "no fork was made")
            return False
        if restore.changed_since:
            title = f"Restore the files as before message {n + 1}"
            if not await self.port.ask(ConfirmRestoreScreen(restore, title)):
                self.port.notify("the files were not restored, so no fork was made", timeout=3)
                return False
        try:
            skipped = await asyncio.to_thread(restore.apply)
        except (LhaError, OSError) as err:
            self._fail(err, "no fork was made")
            return False
        self._report_skipped(skipped)
        self.port.notify(
            f"restored {_count(len(restore.files))} as before message {n + 1}", markup=False
        )
        return True

    def _fail(self, err: LhaError | OSError, then: str = "") -> None:
        message = str(err)
        if then and then not in message:
            message = f"{message}; {then}"
        self.port.notify(message, severity="error", markup=False)

    def _report_skipped(self, skipped: list[Path]) -> None:
        for path in skipped:
            self.port.notify(
                f"left {path} alone: it leads outside its folder", severity="warning", markup=False
            )


def _count(files: int) -> str:
    return f"{files} file{'s' * (files != 1)}"
