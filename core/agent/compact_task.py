"""``/compact`` and ``lha compact``: a compaction run as a task of its own, between turns.

It has a turn's shape for the client (``task_started``, then ``task_complete`` or one ``error``),
so a UI shows it running and a script knows when it ended.
"""

from __future__ import annotations

from core.agent.compaction import NothingToCompact, compact, tell
from core.agent.session import Session
from core.agent.turn_failure import session_not_saved
from core.errors import LhaError
from core.protocol.events import ErrorEvent, TaskComplete, TaskStarted, Warning


async def run_compaction_task(session: Session, sub_id: str, instructions: str | None) -> None:
    tell(
        session, sub_id, TaskStarted(model_context_window=session.turn_context.model_context_window)
    )
    try:
        await compact(session, sub_id, instructions, automatic=False)
    except NothingToCompact as err:
        tell(session, sub_id, Warning(message=str(err)))
    except LhaError as err:
        session.emit(
            sub_id, ErrorEvent(message=f"compaction failed, the history is unchanged: {err}")
        )
        return
    try:
        await session.recorder.flush()
    except LhaError as err:
        session.rollout_failure_reported = True
        session.emit(sub_id, ErrorEvent(message=session_not_saved(err)))
        return
    tell(session, sub_id, TaskComplete())
