"""Running the tool calls a model makes in a turn.

Dynamic tools are answered by the client: the call becomes a ``dynamic_tool_call_request`` event and
the turn waits for the matching ``dynamic_tool_response`` op. Built-in tools (shell, apply_patch)
and MCP tools join here in the tools issue.
"""

from __future__ import annotations

import asyncio
import time

from core.agent.session import Session
from core.llm.request import ToolSpec
from core.protocol.events import DynamicToolCallRequest, ToolCallBegin, ToolCallEnd
from core.protocol.items import ToolCallItem, ToolCallOutputItem
from core.protocol.ops import DynamicToolResponse


def tool_specs(session: Session) -> list[ToolSpec]:
    """The functions offered to the model in this thread."""
    return [
        ToolSpec(name=tool.name, description=tool.description, parameters=tool.input_schema)
        for tool in session.dynamic_tools
    ]


async def run_tool_call(session: Session, sub_id: str, call: ToolCallItem) -> ToolCallOutputItem:
    """Run one call and return what the model gets back; failures are outputs, not exceptions."""
    arguments = call.payload.arguments
    session.emit(
        sub_id, ToolCallBegin(call_id=call.call_id, tool_name=call.tool_name, arguments=arguments)
    )
    started = time.monotonic()
    if any(tool.name == call.tool_name for tool in session.dynamic_tools):
        output, success = await _run_dynamic(session, sub_id, call)
    else:
        output, success = f"unknown tool: {call.tool_name}", False
    duration_ms = int((time.monotonic() - started) * 1000)
    session.emit(
        sub_id,
        ToolCallEnd(
            call_id=call.call_id,
            tool_name=call.tool_name,
            output=output,
            success=success,
            duration_ms=duration_ms,
        ),
    )
    return ToolCallOutputItem(call_id=call.call_id, output=output, success=success)


async def _run_dynamic(session: Session, sub_id: str, call: ToolCallItem) -> tuple[str, bool]:
    future: asyncio.Future[DynamicToolResponse] = asyncio.get_running_loop().create_future()
    session.pending_dynamic[call.call_id] = future
    session.emit(
        sub_id,
        DynamicToolCallRequest(
            call_id=call.call_id, tool=call.tool_name, arguments=call.payload.arguments
        ),
    )
    try:
        response = await future
    finally:
        session.pending_dynamic.pop(call.call_id, None)
    return response.output, response.success


async def run_tool_calls(
    session: Session, sub_id: str, calls: list[ToolCallItem]
) -> list[ToolCallOutputItem]:
    """Run the turn's calls concurrently; outputs come back in the order the model made them."""
    return list(await asyncio.gather(*(run_tool_call(session, sub_id, c) for c in calls)))
