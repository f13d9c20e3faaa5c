"""Dynamic tools: the client answers each ``dynamic_tool_call_request`` with a
``dynamic_tool_response`` op; the call waits for it."""

from __future__ import annotations

import asyncio

from core.protocol.events import DynamicToolCallRequest
from core.protocol.ops import DynamicToolResponse
from core.tools.invocation import ToolInvocation, ToolResult


def is_dynamic_tool(inv: ToolInvocation) -> bool:
    return any(tool.name == inv.call.tool_name for tool in inv.session.dynamic_tools)


async def handle_dynamic(inv: ToolInvocation) -> ToolResult:
    session = inv.session
    future: asyncio.Future[DynamicToolResponse] = asyncio.get_running_loop().create_future()
    session.pending_dynamic[inv.call_id] = future
    inv.emit(
        DynamicToolCallRequest(
            call_id=inv.call_id, tool=inv.call.tool_name, arguments=inv.call.payload.arguments
        )
    )
    try:
        response = await future
    finally:
        session.pending_dynamic.pop(inv.call_id, None)
    return ToolResult(output=response.output, success=response.success)
