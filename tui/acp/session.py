"""One ACP session: an lha thread, the one task reading its events, and the turn in flight.

Every event of the thread goes through ``_pump`` in order, so the client sees chunks, tool calls
and their ends exactly as the engine emitted them. A prompt submits the user's input and waits
for the pump to see the turn end; an approval is asked in its own task, so the pump (and the
cancel that may be needed to end the wait) never blocks on the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from acp import RequestError, update_agent_message_text, update_agent_thought_text
from acp.schema import StopReason

from core.errors import InternalAgentDied
from core.protocol.ops import Compact, Interrupt, Shutdown, UserInput
from core.tools.plan_format import PLAN_TOOL_NAME
from tui.acp.live_output import LiveOutput
from tui.acp.permissions import answer_approval
from tui.acp.plan import plan_of_call
from tui.acp.tool_calls import ToolContent, call_ended, call_started
from tui.transcript_model import compaction_title

if TYPE_CHECKING:
    from acp.interfaces import Client

    from core.agent.thread_manager import NewThread
    from core.protocol.events import Event, TaskComplete
    from core.protocol.ops import UserInputItem

log = logging.getLogger("lha.acp")

_FINISH_STOP_REASONS: dict[str, StopReason] = {
    "length": "max_tokens",
    "max_tokens": "max_tokens",
    "max_output_tokens": "max_tokens",
    "content_filter": "refusal",
    "refusal": "refusal",
}
"""Finish reasons of both wire APIs that are not a plain end of turn."""


def stop_reason_of(done: TaskComplete) -> StopReason:
    return _FINISH_STOP_REASONS.get(done.finish_reason or "", "end_turn")


@dataclass
class AcpSession:
    session_id: str
    new: NewThread
    client: Client
    cwd: Path
    model: str
    effort: str | None
    turn: asyncio.Future[StopReason] | None = None
    patch_diffs: dict[str, list[ToolContent]] = field(default_factory=dict)
    """The diffs shown when each ``apply_patch`` call began, shown again with its result."""
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    pump: asyncio.Task[None] | None = None
    client_reachable: bool = True
    live: LiveOutput = field(default_factory=LiveOutput)
    """Running commands' output, sent as throttled ``tool_call_update``s."""
    warnings: list[str] = field(default_factory=list)
    """The warnings of the task in flight (a compaction that found nothing to do says so)."""

    def start(self) -> None:
        self.pump = asyncio.create_task(self._pump(), name=f"acp-session-{self.session_id}")

    @property
    def running(self) -> bool:
        return self.turn is not None and not self.turn.done()

    async def prompt(self, items: list[UserInputItem]) -> StopReason:
        """Run one turn and say how it ended; only one runs at a time per session."""
        return await self.run_task(UserInput(items=items))

    async def run_task(self, op: UserInput | Compact) -> StopReason:
        """Submit a turn or a compaction and wait for its end; the warnings it gave are in
        ``warnings`` afterwards."""
        self.refuse_while_running()
        self.turn = asyncio.get_running_loop().create_future()
        self.warnings.clear()
        await self.new.thread.submit(op)
        return await self.turn

    def refuse_while_running(self) -> None:
        if self.running:
            raise RequestError.invalid_request(
                {"message": "a prompt is already running in this session; wait or cancel it"}
            )

    async def cancel(self) -> None:
        if self.running:
            await self.new.thread.submit(Interrupt())

    async def close(self) -> None:
        """Shut the thread down: its rollout is flushed and its lock released."""
        with contextlib.suppress(InternalAgentDied):
            if self.new.thread.is_running:
                await self.new.thread.submit(Shutdown())
        if self.pump is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.pump
        for task in list(self.tasks):
            task.cancel()
        self._end_turn(None, "the session was closed")

    async def _pump(self) -> None:
        clock = asyncio.get_running_loop()
        while True:
            try:
                wait = self.live.wait_s(clock.time())
                event = await asyncio.wait_for(self.new.thread.next_event(), wait)
            except TimeoutError:  # a command's output is due before the next event came
                await self._flush_live(clock.time())
                continue
            except InternalAgentDied:
                self._end_turn(None, "the thread stopped")
                return
            try:
                await self._on_event(event)
            except (ConnectionError, RequestError) as err:
                self._lost_client(err)
            if event.msg.type == "shutdown_complete":
                return

    async def _flush_live(self, now: float) -> None:
        try:
            for update in self.live.due(now):
                await self.send(update)
        except (ConnectionError, RequestError) as err:
            self._lost_client(err)

    async def _on_event(self, event: Event) -> None:
        msg = event.msg
        match msg.type:
            case "agent_message_delta":
                await self.send(update_agent_message_text(msg.delta))
            case "agent_reasoning_delta":
                await self.send(update_agent_thought_text(msg.delta))
            case "tool_call_begin" if msg.tool_name == PLAN_TOOL_NAME:
                plan = plan_of_call(msg.arguments)
                if plan is not None:
                    await self.send(plan)
            case "tool_call_end" if msg.tool_name == PLAN_TOOL_NAME:
                pass  # its plan was sent when it began
            case "tool_call_begin":
                start = call_started(msg, self.cwd)
                if msg.tool_name == "apply_patch" and start.content:
                    self.patch_diffs[msg.call_id] = list(start.content)  # type: ignore[arg-type]
                await self.send(start)
            case "tool_call_output_delta":
                self.live.add(msg.call_id, msg.chunk)
                await self._flush_live(asyncio.get_running_loop().time())
            case "tool_call_end":
                self.live.end(msg.call_id)
                await self.send(call_ended(msg, self.patch_diffs.pop(msg.call_id, None)))
            case "exec_approval_request":
                self._spawn(answer_approval(self.client, self.session_id, self.new.thread, msg))
            case "dynamic_tool_call_request":
                await self._decline_dynamic_tool(msg.call_id, msg.tool)
            case "task_complete":
                self._end_turn(stop_reason_of(msg))
            case "turn_aborted":
                self._end_turn("cancelled")
            case "error":
                self._end_turn(None, msg.message)
            case "context_compacted":
                await self.send(update_agent_message_text(compaction_title(vars(msg)) + "\n\n"))
            case "warning":
                self.warnings.append(msg.message)
                log.warning("%s", msg.message)

    async def _decline_dynamic_tool(self, call_id: str, tool: str) -> None:
        """Tools of the program that started the thread (``lha exec --dynamic-tools``) have
        nobody to answer them here: the model is told at once instead of waiting forever."""
        from core.protocol.ops import DynamicToolResponse

        note = (
            f"tool {tool!r} is answered by the program that started this thread "
            "(lha exec --dynamic-tools); it is not available over ACP"
        )
        await self.new.thread.submit(
            DynamicToolResponse(call_id=call_id, output=note, success=False)
        )

    async def send(self, update: object) -> None:
        if not self.client_reachable:
            return
        await self.client.session_update(session_id=self.session_id, update=update)  # type: ignore[arg-type]

    def announce(self, update: object) -> None:
        """Send ``update`` once the answer that made this session is out: a client learns the
        session id from that answer and may drop updates for a session it does not know yet.
        Call it last in the handler: the SDK writes the answer before the loop runs again."""

        async def later() -> None:
            await asyncio.sleep(0)
            try:
                await self.send(update)
            except (ConnectionError, RequestError) as err:
                self._lost_client(err)

        self._spawn(later())

    def _lost_client(self, err: Exception) -> None:
        """Stop sending after the first failure (the client hung up): said once, not per token;
        the thread still runs to its end, so the rollout gets everything."""
        if self.client_reachable:
            log.warning("the client stopped taking updates (%s); the thread goes on", err)
        self.client_reachable = False

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)  # type: ignore[arg-type]
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _end_turn(self, reason: StopReason | None, error: str | None = None) -> None:
        turn = self.turn
        if turn is None or turn.done():
            return
        if reason is not None:
            turn.set_result(reason)
        else:
            turn.set_exception(RequestError.internal_error({"message": error or "the turn failed"}))
