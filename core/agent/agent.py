"""The Agent: one asyncio task per thread, submissions in, events out (the Codex CLI's ``Codex``).

Design: a bounded submission queue feeds a loop that handles ops one at a time; a user turn runs
as its own task so that ``interrupt``, approvals and tool responses are handled while it streams.
Events go to an unbounded queue the client drains; a slow UI never blocks the model stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from core.agent.compact_task import run_compaction_task
from core.agent.session import Session
from core.agent.spawn import build_session
from core.agent.tool_call_pairing import pair_tool_outputs
from core.agent.turn import refuse_images_the_model_cannot_take, run_turn
from core.agent.turn_failure import session_not_saved
from core.errors import InternalAgentDied, InvalidRequest, LhaError
from core.protocol.events import (
    ErrorEvent,
    Event,
    EventMsg,
    ShutdownComplete,
    TurnAbortedEvent,
    Warning,
)
from core.protocol.history import InitialHistory
from core.protocol.ids import ThreadId
from core.protocol.items import user_message
from core.protocol.ops import (
    Compact,
    DynamicToolResponse,
    ExecApproval,
    Interrupt,
    Op,
    OverrideTurnContext,
    RefreshMcpServers,
    Shutdown,
    SteerInput,
    Submission,
    UserInput,
    UserInputItem,
)
from core.protocol.rollout import TranscriptRecord
from core.protocol.session import DynamicToolSpec, SessionSource
from core.tools.mcp_lifecycle import refresh_mcp_servers

if TYPE_CHECKING:
    from core.auth import AuthManager
    from core.config import Config
    from core.models.manager import ModelsManager
    from core.skills import SkillsManager

log = logging.getLogger("lha.agent")
_T = TypeVar("_T")

INITIAL_SUBMIT_ID = ""
SUBMISSION_CHANNEL_CAPACITY = 64
TURN_ABORTED_MARKER = "<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>"


@dataclass
class AgentSpawnOk:
    """A spawned agent and its thread id."""

    agent: Agent
    thread_id: ThreadId


class Agent:
    """A running thread's engine. Use ``Agent.spawn``; talk to it with ``submit``/``next_event``."""

    def __init__(self, session: Session, first_events: list[EventMsg]) -> None:
        self.session = session
        self._submissions: asyncio.Queue[Submission] = asyncio.Queue(SUBMISSION_CHANNEL_CAPACITY)
        self._next_submission_id = 0
        self._turn: asyncio.Task[None] | None = None
        self._pending_inputs: deque[tuple[str, list[UserInputItem] | Compact]] = deque()
        self.on_turn_saved: Callable[[Path], object] | None = None
        """Called with the rollout's path once a turn is on disk (the search index's hook)."""
        for msg in first_events:
            session.events.put_nowait(Event(id=INITIAL_SUBMIT_ID, msg=msg))
        self._loop_task = asyncio.create_task(
            self._submission_loop(), name=f"agent-{session.thread_id.short}"
        )

    @classmethod
    async def spawn(
        cls,
        config: Config,
        auth_manager: AuthManager,
        models_manager: ModelsManager,
        skills_manager: SkillsManager,
        initial_history: InitialHistory,
        session_source: SessionSource,
        dynamic_tools: list[DynamicToolSpec] | None = None,
    ) -> AgentSpawnOk:
        """Prepare the session (model, rollout, history) and start the agent's task."""
        session, first_events = await build_session(
            config,
            auth_manager,
            models_manager,
            skills_manager,
            initial_history,
            session_source,
            dynamic_tools or [],
        )
        agent = cls(session, first_events)
        return AgentSpawnOk(agent=agent, thread_id=session.thread_id)

    @property
    def thread_id(self) -> ThreadId:
        return self.session.thread_id

    @property
    def is_running(self) -> bool:
        return not self._loop_task.done()

    async def submit(self, op: Op) -> str:
        """Queue an op; returns its submission id ("0", "1", ...)."""
        sub_id = str(self._next_submission_id)
        self._next_submission_id += 1
        await self.submit_with_id(Submission(id=sub_id, op=op))
        return sub_id

    async def submit_with_id(self, submission: Submission) -> None:
        if self._loop_task.done():
            raise InternalAgentDied()
        await self._submissions.put(submission)

    async def next_event(self) -> Event:
        """The next event; raises InternalAgentDied once the agent ended and all were read."""
        events = self.session.events
        if not events.empty():
            return events.get_nowait()
        if self._loop_task.done():
            raise InternalAgentDied()
        getter = asyncio.ensure_future(events.get())
        try:
            await asyncio.wait({getter, self._loop_task}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            getter.cancel()
            raise
        if getter.done():
            return getter.result()
        getter.cancel()
        if not events.empty():
            return events.get_nowait()
        raise InternalAgentDied()

    def try_next_event(self) -> Event | None:
        """The next event if one is already waiting, else None (never blocks).

        A UI reads every ready event at once and coalesces deltas before touching widgets.
        """
        events = self.session.events
        return events.get_nowait() if not events.empty() else None

    async def wait_closed(self) -> None:
        """Wait until the agent's task has ended (after ``shutdown``)."""
        await asyncio.shield(self._loop_task)

    # -- the loop ---------------------------------------------------------------------------

    async def _submission_loop(self) -> None:
        try:
            while True:
                submission = await self._submissions.get()
                if await self._handle(submission):
                    return
        except Exception:  # pragma: no cover - a bug; keep the thread's data safe
            log.exception("agent %s crashed", self.thread_id)
            await self._close_session()
            raise

    async def _handle(self, submission: Submission) -> bool:
        """Handle one op; True when the agent must stop."""
        op, sub_id, session = submission.op, submission.id, self.session
        if isinstance(op, UserInput | Compact):
            work = list(op.items) if isinstance(op, UserInput) else op
            if self._turn is not None and not self._turn.done():
                self._pending_inputs.append((sub_id, work))
            else:
                self._start_turn(sub_id, work)
        elif isinstance(op, SteerInput):
            if self._turn is not None and not self._turn.done():
                self._steer(sub_id, list(op.items))
            else:
                self._start_turn(sub_id, list(op.items))
        elif isinstance(op, Interrupt):
            await self._abort_turn(sub_id, "interrupted")
        elif isinstance(op, OverrideTurnContext):
            await self._override_turn_context(op)
        elif isinstance(op, ExecApproval):
            if op.decision == "abort" and op.id in session.pending_approvals:
                await self._abort_turn(sub_id, "interrupted")
            else:
                _resolve(session.pending_approvals.get(op.id), op.decision)
        elif isinstance(op, DynamicToolResponse):
            future = session.pending_dynamic.get(op.call_id)
            if future is None:
                session.emit(sub_id, Warning(message=f"no tool call waits for {op.call_id}"))
            _resolve(future, op)
        elif isinstance(op, RefreshMcpServers):
            await refresh_mcp_servers(session, sub_id, op.config.mcp_servers)
        elif isinstance(op, Shutdown):
            await self._abort_turn(sub_id, "shutdown")
            await self._close_session()
            self._notify_turn_saved()
            session.events.put_nowait(Event(id=sub_id, msg=ShutdownComplete()))
            return True
        return False

    def _steer(self, sub_id: str, items: list[UserInputItem]) -> None:
        """Queue input for the running turn, or refuse it by the rule a turn's own input meets
        (images for a text-only model): a warning, not an error, since the turn goes on."""
        try:
            refuse_images_the_model_cannot_take(self.session, items)
        except InvalidRequest as err:
            self.session.emit(sub_id, Warning(message=str(err)))
            return
        self.session.steering.append(items)

    async def _override_turn_context(self, op: OverrideTurnContext) -> None:
        """Apply the op; a new model brings its own context window (what the status line's
        "context left" and fitting long conversations go by)."""
        session = self.session
        context = session.turn_context.with_override(op)
        if context.model != session.turn_context.model and session.context_window_of is not None:
            window = await session.context_window_of(context.model)
            context = replace(context, model_context_window=window)
        if context.model != session.turn_context.model and session.takes_images_of is not None:
            takes_images = await session.takes_images_of(context.model)
            context = replace(context, takes_images=takes_images)
        session.turn_context = context

    def _start_turn(self, sub_id: str, work: list[UserInputItem] | Compact) -> None:
        self._turn = asyncio.create_task(self._run_turns(sub_id, work))

    async def _run_turns(self, sub_id: str, work: list[UserInputItem] | Compact) -> None:
        """Run this turn (or compaction), then any input that arrived while it ran, in order:
        steering the turn ended before taking first (it was meant for this very turn), then
        queued input."""
        steering = self.session.steering
        while True:
            if isinstance(work, Compact):
                await run_compaction_task(self.session, sub_id, work.instructions)
            else:
                await run_turn(self.session, sub_id, work)
            self._notify_turn_saved()
            if steering:
                work = steering.pop(0)
            elif self._pending_inputs:
                sub_id, work = self._pending_inputs.popleft()
            else:
                return

    async def _abort_turn(self, sub_id: str, reason: str) -> None:
        turn = self._turn
        self._pending_inputs.clear()
        self.session.steering.clear()
        if turn is None or turn.done():
            return
        turn.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await turn
        self._close_dangling_tool_calls()
        self.session.record([user_message(TURN_ABORTED_MARKER)])
        self.session.emit(sub_id, TurnAbortedEvent(reason=reason))
        with contextlib.suppress(LhaError):
            await self.session.recorder.flush()
        self._notify_turn_saved()

    def _notify_turn_saved(self) -> None:
        recorder = self.session.recorder
        if self.on_turn_saved is not None and recorder.is_materialized:
            self.on_turn_saved(recorder.rollout_path)

    def _close_dangling_tool_calls(self) -> None:
        """Give every recorded call an output: providers refuse a call without its result."""
        session = self.session
        session.history, made_up = pair_tool_outputs(session.history, "aborted by the user")
        session.record_rollout_only([TranscriptRecord(payload=output) for output in made_up])

    async def _close_session(self) -> None:
        try:
            await self.session.recorder.shutdown()
        except Exception as err:  # the rollout could not be written
            if not self.session.rollout_failure_reported:
                message = session_not_saved(err)
                self.session.events.put_nowait(
                    Event(id=INITIAL_SUBMIT_ID, msg=ErrorEvent(message=message))
                )
            self.session.rollout_failure_reported = True
        await self.session.close()


def _resolve(future: asyncio.Future[_T] | None, value: _T) -> None:
    if future is not None and not future.done():
        future.set_result(value)
