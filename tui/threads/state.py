"""What the UI knows about one open thread, kept in one place.

Whether a turn is running, the fork note, the model, the first message: each lives here and only
here. The sidebar row (``row``) and the status line (``status``) are derived from it, and the
controller redraws both through one explicit call (``Controller.refresh``) after a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from core.agent.agent_thread import AgentThread
from core.images.attachment import ImageAttachment
from core.protocol.events import TokenUsageInfo
from core.protocol.ids import ThreadId
from core.protocol.ops import TextInput, UserInputItem
from tui.status_text import StatusInfo
from tui.thread_rows import ThreadRow
from tui.widgets.transcript import Transcript

NEW_THREAD_PREVIEW = "(new thread)"


@dataclass(frozen=True)
class PendingMessage:
    """A message on its way to a thread: its text and the images attached to it."""

    text: str
    images: tuple[ImageAttachment, ...] = ()

    def items(self) -> list[UserInputItem]:
        """The message as turn input; no empty text part beside images sent alone."""
        text: list[UserInputItem] = [TextInput(text=self.text)] if self.text.strip() else []
        return [*text, *(image.to_input() for image in self.images)]

    @property
    def preview(self) -> str:
        """One line for the queue: the text, then ``[image: NAME]`` for each image."""
        marks = " ".join(f"[image: {image.name}]" for image in self.images)
        return f"{self.text} {marks}".strip()


@dataclass
class ThreadState:
    thread: AgentThread
    transcript: Transcript
    model: str
    provider: str
    cwd: Path
    created_at: datetime
    forked_from_id: ThreadId | None = None
    fork_note: str | None = None
    """How a fork made here relates to its source ("forked before #3"), for its sidebar row."""
    first_message: str | None = None
    """The thread's first user message: its sidebar preview, as in the list of past sessions
    (a fork or a resumed thread keeps its replayed first one). None until there is one."""
    tokens: TokenUsageInfo | None = None
    context_window: int | None = None
    running: bool = False
    effort: str | None = None
    """The reasoning effort the thread's turns ask for (None: the model's default)."""
    queued: list[PendingMessage] = field(default_factory=list)
    """Messages sent while a turn ran, sent one by one as turns end (editable until then)."""
    name: str | None = None
    """The name the user gave the thread (``/rename``), shown in its row and the status line."""

    @property
    def thread_id(self) -> ThreadId:
        return self.thread.thread_id

    @property
    def rollout_path(self) -> Path | None:
        return self.thread.rollout_path

    @property
    def has_user_message(self) -> bool:
        return self.first_message is not None

    def row(self) -> ThreadRow:
        return ThreadRow(
            thread_id=self.thread_id,
            preview=self.first_message or NEW_THREAD_PREVIEW,
            created_at=self.created_at,
            live=True,
            model=self.model,
            forked_from_id=self.forked_from_id,
            fork_note=self.fork_note,
            path=self.rollout_path,
            running=self.running,
            name=self.name,
            cwd=str(self.cwd),
        )

    def status(self) -> StatusInfo:
        return StatusInfo(
            model=self.model,
            provider=self.provider,
            thread_id=self.thread_id.short,
            cwd=self.cwd,
            tokens=self.tokens,
            context_window=self.context_window,
            running=self.running,
            effort=self.effort,
            name=self.name,
        )
