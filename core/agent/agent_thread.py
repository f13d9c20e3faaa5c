"""A live thread as clients see it (the Codex CLI's ``CodexThread``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.agent.agent import Agent
from core.protocol.events import Event, SessionConfigured
from core.protocol.ids import ThreadId
from core.protocol.ops import Op, Submission

OpsLog = Callable[[ThreadId, Op], None]


class AgentThread:
    """Submit ops and read events of one running agent; knows its rollout file."""

    def __init__(
        self,
        agent: Agent,
        session_configured: SessionConfigured,
        ops_log: OpsLog | None = None,
    ) -> None:
        self._agent = agent
        self.session_configured = session_configured
        """How the thread started (model, cwd, replayed events): lets a UI attach to any thread."""
        path = session_configured.rollout_path
        self._rollout_path = Path(path) if path else None
        self._ops_log = ops_log

    @property
    def thread_id(self) -> ThreadId:
        return self._agent.thread_id

    @property
    def rollout_path(self) -> Path | None:
        return self._rollout_path

    @property
    def is_running(self) -> bool:
        return self._agent.is_running

    async def submit(self, op: Op) -> str:
        if self._ops_log is not None:
            self._ops_log(self.thread_id, op)
        return await self._agent.submit(op)

    async def submit_with_id(self, submission: Submission) -> None:
        if self._ops_log is not None:
            self._ops_log(self.thread_id, submission.op)
        await self._agent.submit_with_id(submission)

    async def next_event(self) -> Event:
        return await self._agent.next_event()

    def try_next_event(self) -> Event | None:
        return self._agent.try_next_event()

    async def wait_closed(self) -> None:
        await self._agent.wait_closed()
