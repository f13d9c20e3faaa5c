"""What each event of an open thread does to its state and to the screen.

One worker per open thread runs ``ThreadEventRouter.drain``: it takes every event already
waiting at once, joins runs of deltas, and applies them in order. Events are told apart by their
``type`` tag, as the transcript does, and nothing else. Requests from the thread (approvals,
dynamic tools) are answered here, so a turn never waits on nobody.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.errors import InternalAgentDied
from core.protocol.events import (
    DynamicToolCallRequest,
    Event,
    ExecApprovalRequest,
    TokenUsage,
    TokenUsageInfo,
)
from core.protocol.ops import DynamicToolResponse, ExecApproval
from core.text import IMAGE_PLACEHOLDER, shorten
from tui.delta_coalescing import coalesce_deltas
from tui.threads.port import AppPort
from tui.threads.state import ThreadState
from tui.transcript_model import Entry

Refresh = Callable[[ThreadState], Awaitable[None]]


def context_after_compaction(
    tokens: TokenUsageInfo | None, estimated: int
) -> TokenUsageInfo | None:
    """The status line's "context left" goes by the last request's size: after a compaction
    that is the estimate of the next one, until the model reports the real figure."""
    if tokens is None:
        return None
    return tokens.model_copy(update={"last_token_usage": TokenUsage(total_tokens=estimated)})


class ThreadEventRouter:
    def __init__(self, port: AppPort, refresh: Refresh) -> None:
        self.port = port
        self._refresh = refresh
        """Redraws a thread's row and status line after its state changed."""

    async def drain(self, state: ThreadState) -> None:
        """Move one thread's events into its transcript until the thread ends.

        Every event already waiting is taken at once and runs of deltas are joined, so a fast
        model costs the UI one widget update per batch rather than one per token.
        """
        while True:
            try:
                first = await state.thread.next_event()
            except InternalAgentDied:
                return
            batch = [first]
            while (more := state.thread.try_next_event()) is not None:
                batch.append(more)
            for event in coalesce_deltas(batch):
                await self._on_event(state, event)
                if event.msg.type == "shutdown_complete":
                    return

    async def _on_event(self, state: ThreadState, event: Event) -> None:
        msg = event.msg
        await state.transcript.apply(msg)
        match msg.type:
            case "task_started":
                state.running = True
                state.context_window = msg.model_context_window
            case "task_complete" | "turn_aborted":
                state.running = False
            case "error":
                state.running = False
                self.port.notify(msg.message, severity="error", title="model error", markup=False)
            case "token_count" if msg.info is not None:
                state.tokens = msg.info
            case "context_compacted":
                state.tokens = context_after_compaction(state.tokens, msg.tokens_after)
            case "user_message" if not state.has_user_message:
                alone = msg.images and not msg.message.strip()  # images sent without text
                state.first_message = IMAGE_PLACEHOLDER if alone else msg.message
            case "exec_approval_request":
                self.port.start_worker(self._ask_approval(state, msg), group="approval")
                return
            case "dynamic_tool_call_request":
                await self._decline_dynamic_tool(state, msg)
                return
            case _:  # deltas and the rest change no state: no redraw per token
                return
        await self._refresh(state)

    async def _ask_approval(self, state: ThreadState, request: ExecApprovalRequest) -> None:
        from tui.screens.approval import ApprovalScreen

        preview = shorten(state.row().first_line, 40)
        label = f"thread {state.thread_id.short}" + (f" · {preview}" if preview else "")
        decision = await self.port.ask(ApprovalScreen(request, thread_label=label))
        await state.thread.submit(ExecApproval(id=request.call_id, decision=decision or "abort"))

    async def _decline_dynamic_tool(
        self, state: ThreadState, request: DynamicToolCallRequest
    ) -> None:
        """A thread started by a program with its own tools (``lha exec --dynamic-tools``) and
        resumed here: nobody in the UI can answer them, so the model is told at once (a turn
        waiting for an answer would hang) and so is the user."""
        note = (
            f"tool {request.tool!r} is answered by the program that started this thread "
            "(lha exec --dynamic-tools); it is not available in the terminal UI"
        )
        await state.transcript.add_entry(Entry("warning", note))
        await state.thread.submit(
            DynamicToolResponse(call_id=request.call_id, output=note, success=False)
        )
