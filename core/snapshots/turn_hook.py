"""The turn's side of snapshots: one call at a turn's start, one after, off the event loop.

A snapshot never fails a turn: a problem (no git, an unreadable folder) becomes one warning
and the turn goes on without it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import LhaError
from core.protocol.events import Warning
from core.rollout.session_prefix import is_real_user_message
from core.snapshots.git import find_git
from core.snapshots.recorder import FileSnapshots, snapshot_roots

if TYPE_CHECKING:
    from core.agent.session import Session

log = logging.getLogger("lha.snapshots")

_git_missing_warned = False


class TurnFiles:
    """A turn's snapshots: the "before" runs in the background from the turn's start, so the
    model's first request does not wait for it; ``before_tools`` waits for it before anything
    can change a file, and ``after_turn`` takes the "after" when the turn ends."""

    def __init__(
        self, session: Session, sub_id: str, before: asyncio.Future[None] | None = None
    ) -> None:
        self._session = session
        self._sub_id = sub_id
        self._before = before
        self._tools_ran = False

    async def before_tools(self) -> None:
        self._tools_ran = True
        if self._before is not None:
            await asyncio.shield(self._before)

    async def after_turn(self) -> None:
        files = self._session.file_snapshots
        if self._before is None or files is None:
            return
        await asyncio.shield(self._before)
        tools_ran = self._tools_ran
        job = _start(lambda: files.after_turn(tools_ran=tools_ran))
        await _report(self._session, self._sub_id, job)


def start_turn_snapshot(session: Session, sub_id: str) -> TurnFiles:
    """Start snapshotting the folders the turn may write. An interrupted turn gets its "after"
    when its task ends (``after_turn`` is then never called)."""
    try:
        files = _thread_files(session, sub_id)
    except (LhaError, OSError) as err:
        log.warning("file snapshots unavailable: %s", err)
        files = None
    if files is None:
        return TurnFiles(session, sub_id)
    turn = sum(1 for item in session.history if is_real_user_message(item))
    context = session.turn_context
    roots = snapshot_roots(context.cwd, context.writable_roots)
    job = _start(lambda: files.before_turn(turn, roots))
    before = asyncio.ensure_future(_report(session, sub_id, job))
    task = asyncio.current_task()
    if task is not None:
        loop = asyncio.get_running_loop()
        task.add_done_callback(lambda _: loop.run_in_executor(None, _finish_quietly, files))
    return TurnFiles(session, sub_id, before)


def _finish_quietly(files: FileSnapshots) -> None:
    """The "after" of an interrupted turn; nobody is left to hear of a failure but the log."""
    try:
        files.after_turn()
    except (LhaError, OSError) as err:
        log.warning("file snapshot after an interrupted turn failed: %s", err)


def _thread_files(session: Session, sub_id: str) -> FileSnapshots | None:
    if session.file_snapshots is not None:
        return session.file_snapshots
    git = find_git()
    lha_home = session.tools.lha_home
    if git is None or lha_home is None:
        _warn_git_missing(session, sub_id, git is None)
        return None
    session.file_snapshots = FileSnapshots(Path(lha_home), str(session.thread_id), git)
    return session.file_snapshots


def _warn_git_missing(session: Session, sub_id: str, missing: bool) -> None:
    global _git_missing_warned
    if missing and not _git_missing_warned:
        _git_missing_warned = True
        session.emit(
            sub_id,
            Warning(message="git is not installed: file changes are not snapshotted "
                    "(`lha diff` and `lha undo` are unavailable)"),
        )  # fmt: skip


def _start(step: Callable[[], list[str] | None]) -> asyncio.Future[list[str] | None]:
    """``step`` handed to a worker thread now, not when the loop next runs a task: a turn
    does not yield between its start and its request (on a thread's first turn that is the
    HTTP client's import, ~40 ms), and the "before" snapshot's git calls should run meanwhile,
    not after it (a chat-only ``lha exec`` otherwise waited ~15 ms for them at the end)."""
    loop = asyncio.get_running_loop()
    return loop.run_in_executor(None, contextvars.copy_context().run, step)


async def _report(session: Session, sub_id: str, job: Awaitable[list[str] | None]) -> None:
    """Wait for a snapshot step; what went wrong becomes a warning, never the turn's end."""
    try:
        problems = await job
    except (LhaError, OSError) as err:
        log.warning("file snapshot failed: %s", err)
        if session.tools.first_time("file-snapshots"):
            session.emit(
                sub_id,
                Warning(message=f"file snapshot failed ({err}); undo may miss this turn"),
            )
        return
    for problem in problems or []:
        session.emit(sub_id, Warning(message=problem))
