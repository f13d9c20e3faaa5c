"""A thread's MCP servers: started in the background, their tools named ``mcp__SERVER__TOOL``.

Starting never blocks a thread's spawn; the first turn waits (bounded by each server's startup
timeout) so the model sees the tools the user configured. A server that fails is a warning and
is left out; the others keep working.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.config.model import McpServerConfig
from core.tools.invocation import ToolResult
from core.tools.mcp_connection import McpServer, McpTool
from core.tools.mcp_names import qualified_tool_name

READY_SLACK_S = 2.0


@dataclass(frozen=True)
class QualifiedTool:
    qualified: str
    server: McpServer
    tool: McpTool


class McpManager:
    def __init__(
        self, servers: Mapping[str, McpServerConfig], on_warning: Callable[[str], None]
    ) -> None:
        self.servers = {
            name: McpServer(name, cfg, on_warning) for name, cfg in servers.items() if cfg.enabled
        }

    def start(self) -> None:
        for server in self.servers.values():
            server.start()

    async def wait_ready(self) -> None:
        """Until every server is ready or failed (each bounded by its startup timeout)."""
        pending = [s for s in self.servers.values() if not s.ready.is_set()]
        if not pending:
            return
        limit = max(s.config.startup_timeout_sec for s in pending) + READY_SLACK_S
        waits = [asyncio.ensure_future(s.ready.wait()) for s in pending]
        _, late = await asyncio.wait(waits, timeout=limit)
        for wait in late:
            wait.cancel()

    def tools(self) -> list[QualifiedTool]:
        """The ready servers' offered tools (``enabled_tools`` / ``disabled_tools``), in config
        order; on a name clash the first one wins."""
        seen: set[str] = set()
        out: list[QualifiedTool] = []
        for server in self.servers.values():
            if server.status != "ready":
                continue
            for tool in server.tools:
                if not server.config.offers(tool.name):
                    continue
                name = qualified_tool_name(server.name, tool.name)
                if name not in seen:
                    seen.add(name)
                    out.append(QualifiedTool(name, server, tool))
        return out

    def find(self, qualified: str) -> QualifiedTool | None:
        return next((t for t in self.tools() if t.qualified == qualified), None)

    async def call(self, qualified: str, arguments: dict[str, Any]) -> ToolResult:
        found = self.find(qualified)
        if found is None:
            return ToolResult.error(
                f"no MCP tool is called {qualified} (its server may have failed)"
            )
        return await found.server.call(found.tool.name, arguments)

    async def aclose(self) -> None:
        await asyncio.gather(*(server.stop() for server in self.servers.values()))
