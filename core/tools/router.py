"""Routing a turn's tool calls to their handlers, with the events every call produces.

Every call emits ``tool_call_begin``, optionally ``tool_call_output_delta`` chunks, and
``tool_call_end``; its result becomes the ``tool_call_output`` item the agent records. Calls that
only read (known-safe commands, MCP and dynamic tools) run concurrently; a call that may write
(``apply_patch``, any other command) runs alone, in the order the model made the calls, so a
later read sees an earlier write. Handlers report failures as outputs; a handler bug becomes a
failed output too, never a dead turn.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from core.llm.request import ToolSpec
from core.protocol.events import ToolCallBegin, ToolCallEnd
from core.protocol.items import ToolCallItem, ToolCallOutputItem
from core.tools.dynamic import BUILT_IN_TOOL_NAMES, handle_dynamic, is_dynamic_tool
from core.tools.invocation import ToolInvocation, ToolResult
from core.tools.mcp_names import is_mcp_name
from core.tools.plan_format import PLAN_TOOL_NAME
from core.tools.specs import apply_patch_spec, shell_spec
from core.tools.update_plan import handle_update_plan, update_plan_spec

if TYPE_CHECKING:
    from core.agent.session import Session

log = logging.getLogger("lha.tools")

Handler = Callable[[ToolInvocation], Awaitable[ToolResult]]


# The handlers (sandbox, exec runner, patch parser...) load on the first call, not with the
# agent: a turn without tool calls, and `lha exec` start-up, do not pay for them (~8 ms).
async def _shell(inv: ToolInvocation) -> ToolResult:
    from core.tools.shell import handle_shell

    return await handle_shell(inv)


async def _apply_patch(inv: ToolInvocation) -> ToolResult:
    from core.tools.apply_patch import handle_apply_patch

    return await handle_apply_patch(inv)


BUILT_IN: dict[str, Handler] = {
    "shell": _shell,
    "apply_patch": _apply_patch,
    PLAN_TOOL_NAME: handle_update_plan,
}
assert tuple(BUILT_IN) == BUILT_IN_TOOL_NAMES


def built_in_specs() -> list[ToolSpec]:
    """The built-in tools' specs, in the order every request offers them."""
    return [shell_spec(), apply_patch_spec(), update_plan_spec()]


def tool_specs(session: Session) -> list[ToolSpec]:
    """The functions offered to the model now: built-ins, ready MCP tools, dynamic tools."""
    specs = built_in_specs()
    if session.tools.mcp is not None:
        for found in session.tools.mcp.tools():
            description = (
                found.tool.description or f"{found.tool.name} (MCP server {found.server.name})"
            )
            specs.append(
                ToolSpec(
                    name=found.qualified,
                    description=description,
                    parameters=found.tool.input_schema,
                )
            )
    taken = {spec.name for spec in specs}
    for tool in session.dynamic_tools:
        if tool.name not in taken:
            taken.add(tool.name)
            specs.append(
                ToolSpec(name=tool.name, description=tool.description, parameters=tool.input_schema)
            )
    return specs


async def run_tool_calls(
    session: Session, sub_id: str, calls: list[ToolCallItem]
) -> list[ToolCallOutputItem]:
    """Run the turn's calls; outputs come back in the order the model made the calls."""
    outputs: list[ToolCallOutputItem] = []
    batch: list[ToolInvocation] = []
    for call in calls:
        inv = ToolInvocation(session=session, sub_id=sub_id, call=call)
        if _is_parallel_safe(inv):
            batch.append(inv)
            continue
        outputs.extend(await _run_batch(batch))
        batch = []
        outputs.append(await run_tool_call(inv))
    outputs.extend(await _run_batch(batch))
    return outputs


async def _run_batch(batch: list[ToolInvocation]) -> list[ToolCallOutputItem]:
    return list(await asyncio.gather(*(run_tool_call(inv) for inv in batch)))


def _is_parallel_safe(inv: ToolInvocation) -> bool:
    name = inv.call.tool_name
    if name == "shell":
        from core.tools.shell import is_parallel_safe

        return is_parallel_safe(inv)
    return name != "apply_patch"


async def run_tool_call(inv: ToolInvocation) -> ToolCallOutputItem:
    """Run one call between its begin and end events; returns what the model gets back."""
    call = inv.call
    inv.emit(
        ToolCallBegin(
            call_id=call.call_id, tool_name=call.tool_name, arguments=call.payload.arguments
        )
    )
    started = time.monotonic()
    try:
        result = await _dispatch(inv)
    except Exception as err:
        log.exception("tool %s failed", call.tool_name)
        result = ToolResult.error(f"the tool {call.tool_name} failed: {type(err).__name__}: {err}")
    inv.emit(
        ToolCallEnd(
            call_id=call.call_id,
            tool_name=call.tool_name,
            output=result.output,
            success=result.success,
            duration_ms=int((time.monotonic() - started) * 1000),
            arguments=call.payload.arguments if call.tool_name == "apply_patch" else None,
        )
    )
    return ToolCallOutputItem(
        call_id=call.call_id,
        output=result.output,
        success=result.success,
        images=list(result.images) or None,
    )


async def _dispatch(inv: ToolInvocation) -> ToolResult:
    name = inv.call.tool_name
    handler = BUILT_IN.get(name)
    if handler is not None:
        return await handler(inv)
    mcp = inv.session.tools.mcp
    if is_mcp_name(name) and mcp is not None and mcp.find(name) is not None:
        try:
            arguments = inv.json_arguments()
        except ValueError as err:
            return ToolResult.error(f"invalid arguments for {name}: {err}")
        return await mcp.call(name, arguments)
    if is_dynamic_tool(inv):
        return await handle_dynamic(inv)
    return ToolResult.error(f"unknown tool: {name}")
