"""The agent's view of tools: what to offer the model and how to run its calls.

The tools themselves (shell, apply_patch, MCP, dynamic) live in ``core.tools``; this module keeps
the agent's import surface small and stable.
"""

from __future__ import annotations

from core.tools.router import run_tool_calls, tool_specs

__all__ = ["run_tool_calls", "tool_specs"]
