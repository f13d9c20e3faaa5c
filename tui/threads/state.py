"""What the app knows about one open thread: its engine handle, transcript and status."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.agent.agent_thread import AgentThread
from core.protocol.events import TokenUsageInfo
from core.protocol.ids import ThreadId
from tui.widgets.status_line import StatusInfo
from tui.widgets.transcript import Transcript


@dataclass
class ThreadView:
    thread: AgentThread
    transcript: Transcript
    model: str
    provider: str
    cwd: Path
    tokens: TokenUsageInfo | None = None
    running: bool = False
    context_window: int | None = None
    fork_note: str | None = None
    has_user_message: bool = False
    """Whether the thread has a user message yet: the sidebar's preview is its first one, as
    in the list of past sessions (a fork or a resumed thread keeps its replayed first one)."""

    @property
    def thread_id(self) -> ThreadId:
        return self.thread.thread_id

    @property
    def rollout_path(self) -> Path | None:
        return self.thread.rollout_path

    def status(self) -> StatusInfo:
        return StatusInfo(
            model=self.model,
            provider=self.provider,
            thread_id=str(self.thread_id),
            cwd=self.cwd,
            tokens=self.tokens,
            context_window=self.context_window,
            running=self.running,
        )
