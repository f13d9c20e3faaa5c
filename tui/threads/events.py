"""What each event of an open thread does to the UI: its transcript, status line and modals.

One worker per open thread runs ``ThreadEventRouter.drain``: it takes every event already
waiting at once, joins runs of deltas, and applies them in order. Requests from the thread
(approvals, dynamic tools) are answered here, so a turn never waits on nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import InternalAgentDied
from core.protocol.events import (
    DynamicToolCallRequest,
    ErrorEvent,
    Event,
    ExecApprovalRequest,
    ShutdownComplete,
    TaskComplete,
    TaskStarted,
    TokenCount,
    TurnAbortedEvent,
    UserMessageEvent,
)
from core.protocol.ops import DynamicToolResponse, ExecApproval
from tui.delta_coalescing import coalesce_deltas
from tui.threads.state import ThreadView
from tui.transcript_model import Entry

if TYPE_CHECKING:
    from tui.app import LhaApp

STATUS_EVENTS = (TaskStarted, TaskComplete, TurnAbortedEvent, ErrorEvent, TokenCount)
"""Events that change the status line; deltas do not, and redrawing it per token is waste."""


class ThreadEventRouter:
    def __init__(self, app: LhaApp) -> None:
        self.app = app

    async def drain(self, view: ThreadView) -> None:
        """Move one thread's events into its transcript until the thread ends.

        Every event already waiting is taken at once and runs of deltas are joined, so a fast
        model costs the UI one widget update per batch rather than one per token.
        """
        while True:
            try:
                first = await view.thread.next_event()
            except InternalAgentDied:
                return
            batch = [first]
            while (more := view.thread.try_next_event()) is not None:
                batch.append(more)
            for event in coalesce_deltas(batch):
                await self._on_event(view, event)
                if isinstance(event.msg, ShutdownComplete):
                    return

    async def _on_event(self, view: ThreadView, event: Event) -> None:
        msg = event.msg
        await view.transcript.apply(msg)
        if isinstance(msg, TaskStarted):
            self._set_running(view, True)
            view.context_window = msg.model_context_window
        elif isinstance(msg, TaskComplete | TurnAbortedEvent):
            self._set_running(view, False)
        elif isinstance(msg, ErrorEvent):
            self._set_running(view, False)
            self.app.notify(msg.message, severity="error", title="model error", markup=False)
        elif isinstance(msg, TokenCount) and msg.info is not None:
            view.tokens = msg.info
        elif isinstance(msg, UserMessageEvent):
            if not view.has_user_message:
                self.app.sidebar.update_live(view.thread_id, preview=msg.message)
            view.has_user_message = True
        elif isinstance(msg, ExecApprovalRequest):
            self.app.run_worker(self._ask_approval(view, msg), group="approval")
        elif isinstance(msg, DynamicToolCallRequest):
            await self._decline_dynamic_tool(view, msg)
        if view.thread_id == self.app.current and isinstance(msg, STATUS_EVENTS):
            self.app.show_status()

    def _set_running(self, view: ThreadView, running: bool) -> None:
        view.running = running
        self.app.sidebar.update_live(view.thread_id, running=running)

    async def _ask_approval(self, view: ThreadView, request: ExecApprovalRequest) -> None:
        from tui.screens.approval import ApprovalScreen

        row = self.app.sidebar.find(view.thread_id)
        preview = row.row.first_line[:40] if row else ""
        label = f"thread {view.thread_id.short}" + (f" · {preview}" if preview else "")
        decision = await self.app.push_screen_wait(ApprovalScreen(request, thread_label=label))
        await view.thread.submit(ExecApproval(id=request.call_id, decision=decision or "abort"))

    async def _decline_dynamic_tool(
        self, view: ThreadView, request: DynamicToolCallRequest
    ) -> None:
        """A thread started by a program with its own tools (``lha exec --dynamic-tools``) and
        resumed here: nobody in the UI can answer them, so the model is told at once (a turn
        waiting for an answer would hang) and so is the user."""
        note = (
            f"tool {request.tool!r} is answered by the program that started this thread "
            "(lha exec --dynamic-tools); it is not available in the terminal UI"
        )
        await view.transcript.add_entry(Entry("warning", note))
        await view.thread.submit(
            DynamicToolResponse(call_id=request.call_id, output=note, success=False)
        )
