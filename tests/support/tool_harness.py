"""Helpers for tool tests: a thread with chosen approval policy and sandbox, scripted calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.agent.agent_thread import AgentThread
from core.protocol.events import Event, ExecApprovalRequest, ToolCallEnd
from core.protocol.session import ApprovalPolicy, SandboxMode
from tests.support.agent_harness import Harness, events_until, make_harness
from tests.support.scripted_server import ScriptedServer


async def start_tool_thread(
    tmp_path: Path,
    server: ScriptedServer,
    wire_api: str = "chat",
    *,
    approval_policy: ApprovalPolicy = "on-request",
    sandbox_mode: SandboxMode = "workspace-write",
    **config_fields: Any,
) -> tuple[Harness, AgentThread]:
    h = make_harness(tmp_path, server, wire_api)  # type: ignore[arg-type]
    h.config = h.config.model_copy(
        update={"approval_policy": approval_policy, "sandbox_mode": sandbox_mode, **config_fields}
    )
    new = await h.manager.start_thread(h.config)
    return h, new.thread


WAIT_FOR_GO = "for i in $(seq 600); do [ -e go ] && break; sleep 0.05; done"
"""A command that runs until the test creates ``go`` in the workspace (30 s at most): a tool
call still under way for as long as a test needs, however slow the machine."""


def shell(call_id: str, command: list[str] | str, **extra: Any) -> tuple[str, str, str]:
    """A scripted ``shell`` call; a string becomes ``bash -lc``."""
    argv = ["bash", "-lc", command] if isinstance(command, str) else command
    return (call_id, "shell", json.dumps({"command": argv, **extra}))


def patch_call(call_id: str, patch: str) -> tuple[str, str, str]:
    return (call_id, "apply_patch", json.dumps({"input": patch}))


def tool_end(events: list[Event], call_id: str) -> ToolCallEnd:
    for event in events:
        if isinstance(event.msg, ToolCallEnd) and event.msg.call_id == call_id:
            return event.msg
    raise AssertionError(f"no tool_call_end for {call_id}: {[e.msg.type for e in events]}")


async def next_approval(thread: AgentThread, within_s: float = 10.0) -> ExecApprovalRequest:
    events = await events_until(thread, lambda m: m.type == "exec_approval_request", within_s)
    msg = events[-1].msg
    assert isinstance(msg, ExecApprovalRequest)
    return msg


def tool_outputs(body: dict[str, Any]) -> dict[str, str]:
    """call_id -> output text of the tool results in a request body (either wire API)."""
    out: dict[str, str] = {}
    for item in body.get("messages") or []:
        if item.get("role") == "tool":
            content = item.get("content")
            out[item["tool_call_id"]] = content if isinstance(content, str) else json.dumps(content)
    for item in body.get("input") or []:
        if item.get("type") == "function_call_output":
            output = item.get("output")
            out[item["call_id"]] = output if isinstance(output, str) else json.dumps(output)
    return out


def tool_names(body: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for tool in body.get("tools") or []:
        names.append(tool.get("name") or tool.get("function", {}).get("name"))
    return names
