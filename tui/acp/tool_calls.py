"""How one lha tool call looks to an ACP client: its title, its kind and its content.

Shell commands are titled with the command as a shell would read it; ``apply_patch`` carries
one diff block per file, computed from the patch text, so the client can show it with the
permission request too; MCP tools (``mcp__SERVER__TOOL``) and a program's dynamic tools are
named as the model called them.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from acp import start_tool_call, text_block, tool_content, tool_diff_content, update_tool_call
from acp.schema import (
    ContentToolCallContent,
    FileEditToolCallContent,
    ToolCallProgress,
    ToolCallStart,
    ToolKind,
)

from core.protocol.events import ToolCallBegin, ToolCallEnd
from core.tools.mcp_names import PREFIX as MCP_PREFIX
from core.tools.mcp_names import SEPARATOR as MCP_SEPARATOR

ToolContent = ContentToolCallContent | FileEditToolCallContent


def parsed_arguments(arguments: str) -> Any:
    """The call's arguments as JSON when they are JSON, else the raw text."""
    try:
        return json.loads(arguments)
    except ValueError:
        return arguments


def tool_kind(tool_name: str) -> ToolKind:
    if tool_name == "shell":
        return "execute"
    if tool_name == "apply_patch":
        return "edit"
    return "other"


def tool_title(tool_name: str, arguments: Any) -> str:
    if tool_name == "shell" and isinstance(arguments, dict):
        command = arguments.get("command")
        if isinstance(command, list) and all(isinstance(part, str) for part in command):
            return shlex.join(command)
        if isinstance(command, str):
            return command
    if tool_name == "apply_patch":
        return "apply_patch"
    if tool_name.startswith(MCP_PREFIX):
        server, _, tool = tool_name.removeprefix(MCP_PREFIX).partition(MCP_SEPARATOR)
        return f"{tool} (MCP {server})" if tool else tool_name
    return tool_name


def patch_diffs(arguments: Any, cwd: Path) -> list[ToolContent]:
    """One block per file of the patch, from the patch alone: the tool may already be applying
    it when this is computed, so the files on disk are not a reliable "before". An update shows
    its hunks (context and removed lines against context and added ones); a patch that does not
    parse shows nothing here (the tool fails and says why, which the client sees as output)."""
    from core.tools.patch_parser import AddFile, DeleteFile, PatchError, parse_patch

    patch = arguments.get("input", arguments.get("patch")) if isinstance(arguments, dict) else None
    if not isinstance(patch, str):
        return []
    try:
        ops = parse_patch(patch)
    except PatchError:
        return []
    blocks: list[ToolContent] = []
    for op in ops:
        path = str(cwd / op.path)
        if isinstance(op, AddFile):
            blocks.append(tool_diff_content(path, op.content))
        elif isinstance(op, DeleteFile):
            blocks.append(tool_content(text_block(f"delete {op.path}")))
        else:
            old = "".join(line + "\n" for hunk in op.hunks for line in hunk.old)
            new = "".join(line + "\n" for hunk in op.hunks for line in hunk.new)
            blocks.append(tool_diff_content(str(cwd / (op.move_to or op.path)), new, old))
    return blocks


def call_started(begin: ToolCallBegin, cwd: Path) -> ToolCallStart:
    arguments = parsed_arguments(begin.arguments)
    content = patch_diffs(arguments, cwd) if begin.tool_name == "apply_patch" else []
    return start_tool_call(
        begin.call_id,
        tool_title(begin.tool_name, arguments),
        kind=tool_kind(begin.tool_name),
        status="in_progress",
        content=content or None,
        raw_input=arguments,
    )


def call_ended(end: ToolCallEnd, diffs: list[ToolContent] | None = None) -> ToolCallProgress:
    """The call's final state: its output as text (after the diffs of a patch)."""
    output: list[ToolContent] = [*(diffs or []), tool_content(text_block(end.output))]
    return update_tool_call(
        end.call_id,
        status="completed" if end.success else "failed",
        content=output,
        raw_output=end.output,
    )


def replayed_call(end: ToolCallEnd) -> ToolCallStart:
    """A past call as one ``tool_call`` already in its final state (rollouts keep only the end)."""
    return start_tool_call(
        end.call_id,
        tool_title(end.tool_name, None),
        kind=tool_kind(end.tool_name),
        status="completed" if end.success else "failed",
        content=[tool_content(text_block(end.output))],
        raw_output=end.output,
    )
