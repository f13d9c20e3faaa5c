"""Naming MCP tools for the model: ``mcp__SERVER__TOOL``, within what function names allow.

Providers accept function names of ``[a-zA-Z0-9_-]{1,64}``; other characters become ``_`` and a
name too long keeps a short hash so two long names stay distinct.
"""

from __future__ import annotations

import hashlib
import re

PREFIX = "mcp__"
SEPARATOR = "__"
MAX_NAME = 64
_INVALID = re.compile(r"[^a-zA-Z0-9_-]")


def qualified_tool_name(server: str, tool: str) -> str:
    name = _INVALID.sub("_", f"{PREFIX}{server}{SEPARATOR}{tool}")
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9]}_{digest}"


def is_mcp_name(name: str) -> bool:
    return name.startswith(PREFIX)
