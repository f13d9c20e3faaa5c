"""Per-thread tool state that outlives a single call: approvals, MCP connections, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.tools.mcp_manager import McpManager


@dataclass
class ToolsState:
    """What the tools of one thread remember between calls (approvals, MCP, warnings sent)."""

    approved_for_session: set[tuple[str, ...]] = field(default_factory=set)
    """Request keys the user approved for the rest of the session (see ``approval``)."""
    mcp: McpManager | None = None
    lha_home: Path | None = None
    """lha's home folder: hidden from sandboxed commands."""
    secret_env_names: frozenset[str] = frozenset()
    """The configured providers' ``env_key`` variables: never passed to a command."""
    warnings_sent: set[str] = field(default_factory=set)

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is seen: a warning is worth one event per thread."""
        if key in self.warnings_sent:
            return False
        self.warnings_sent.add(key)
        return True

    async def wait_ready(self) -> None:
        """Wait until the MCP servers that are starting are ready or have failed."""
        if self.mcp is not None:
            await self.mcp.wait_ready()

    async def aclose(self) -> None:
        if self.mcp is not None:
            await self.mcp.aclose()
