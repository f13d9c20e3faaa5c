"""Connecting a session's MCP servers at spawn and reconnecting them on ``refresh_mcp_servers``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from core.config.model import McpServerConfig
from core.llm.providers.endpoint import RuntimeEndpoint
from core.protocol.events import Warning

if TYPE_CHECKING:
    from core.agent.session import Session

SETUP_SUB_ID = ""


def start_tools(
    session: Session,
    lha_home: Path,
    servers: Mapping[str, McpServerConfig],
    providers: Iterable[RuntimeEndpoint] = (),
) -> None:
    """Remember where secrets live (LHA_HOME, the ``env_key`` of each provider) and start the
    MCP servers in the background (no waiting)."""
    session.tools.lha_home = lha_home
    session.tools.secret_env_names = frozenset(p.env_key for p in providers if p.env_key)
    _start_mcp(session, servers)


def _start_mcp(session: Session, servers: Mapping[str, McpServerConfig]) -> None:
    if not servers:
        session.tools.mcp = None
        return
    from core.tools.mcp_manager import McpManager

    def warn(message: str) -> None:
        session.emit(SETUP_SUB_ID, Warning(message=message))

    manager = McpManager(servers, warn)
    session.tools.mcp = manager
    manager.start()


async def refresh_mcp_servers(session: Session, sub_id: str, raw: Mapping[str, Any]) -> None:
    """Stop the current servers and start the ones in ``raw`` (the new ``[mcp_servers]`` table).

    A server entry that is not valid is skipped with a warning naming it; the rest still start."""
    servers: dict[str, McpServerConfig] = {}
    for name, table in raw.items():
        try:
            servers[name] = McpServerConfig.model_validate(table)
        except ValidationError as err:
            first = err.errors()[0]
            key = ".".join(str(part) for part in first["loc"]) or "table"
            session.emit(
                sub_id,
                Warning(message=f"mcp_servers.{name}: `{key}`: {first['msg']}; server skipped"),
            )
    old = session.tools.mcp
    if old is not None:
        await old.aclose()
    _start_mcp(session, servers)
