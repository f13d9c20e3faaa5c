"""The MCP servers an ACP client passes with a session, added to the configured ones.

lha starts MCP servers over stdio only; a client's HTTP or SSE servers are left out with a
warning on stderr (the ``initialize`` answer says so up front: http and sse are false).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from acp.schema import AcpMcpServer, HttpMcpServer, McpServerStdio, SseMcpServer

from core.config import Config
from core.config.model import McpServerConfig

log = logging.getLogger("lha.acp")

ClientMcpServer = HttpMcpServer | SseMcpServer | AcpMcpServer | McpServerStdio
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


def with_client_servers(config: Config, servers: Sequence[ClientMcpServer] | None) -> Config:
    added: dict[str, McpServerConfig] = {}
    for server in servers or ():
        if not isinstance(server, McpServerStdio):
            log.warning(
                "MCP server %r left out: lha starts MCP servers over stdio only", server.name
            )
            continue
        name = _UNSAFE_NAME.sub("_", server.name) or "client"
        added[name] = McpServerConfig(
            command=server.command,
            args=list(server.args),
            env={v.name: v.value for v in server.env} or None,
        )
    if not added:
        return config
    return config.model_copy(update={"mcp_servers": {**config.mcp_servers, **added}})
