"""Dynamic tools: the client answers each ``dynamic_tool_call_request`` with a
``dynamic_tool_response`` op; the call waits for it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from core.errors import InvalidRequest
from core.protocol.events import DynamicToolCallRequest
from core.protocol.ops import DynamicToolResponse
from core.tools.invocation import ToolInvocation, ToolResult
from core.tools.mcp_names import PREFIX as MCP_PREFIX

BUILT_IN_TOOL_NAMES = ("shell", "apply_patch", "update_plan")
"""The tools every thread has; a dynamic tool may not take one of these names."""


def check_dynamic_tool_names(names: Iterable[str]) -> None:
    """Refuse a dynamic tool named like a built-in or an MCP tool: the built-in would win and
    the client's tool would never be called (or, worse, the client would answer for ``shell``).
    """
    for name in names:
        if name in BUILT_IN_TOOL_NAMES:
            raise InvalidRequest(
                f"dynamic tool `{name}` has the name of a built-in tool "
                f"({', '.join(BUILT_IN_TOOL_NAMES)}); rename it"
            )
        if name.startswith(MCP_PREFIX):
            raise InvalidRequest(
                f"dynamic tool `{name}` starts with `{MCP_PREFIX}`, which names MCP tools; "
                "rename it"
            )


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
