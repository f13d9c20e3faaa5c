"""The MCP servers an ACP client passes with a session, added to the configured ones.

A stdio server becomes a ``command`` entry and an HTTP server a ``url`` entry (lha's
streamable-HTTP transport, its headers as ``http_headers``), exactly as if ``config.toml`` had
them for this session only: nothing of them is saved. lha has no transport for the older
HTTP+SSE protocol, nor for MCP over ACP, so such servers are left out with a warning on stderr
(the ``initialize`` answer says so up front: ``sse`` is false).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from acp.schema import AcpMcpServer, HttpMcpServer, McpServerStdio, SseMcpServer

from core.config import Config
from core.config.model import McpServerConfig
from core.errors import InvalidRequest

log = logging.getLogger("lha.acp")

ClientMcpServer = HttpMcpServer | SseMcpServer | AcpMcpServer | McpServerStdio
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


def with_client_servers(config: Config, servers: Sequence[ClientMcpServer] | None) -> Config:
    added: dict[str, McpServerConfig] = {}
    for server in servers or ():
        entry = server_config(server)
        if entry is None:
            log.warning(
                "MCP server %r left out: lha reaches MCP servers over stdio or streamable HTTP, "
                "not %s",
                server.name,
                getattr(server, "type", "this transport"),
            )
            continue
        added[_UNSAFE_NAME.sub("_", server.name) or "client"] = entry
    if not added:
        return config
    return config.model_copy(update={"mcp_servers": {**config.mcp_servers, **added}})


def server_config(server: ClientMcpServer) -> McpServerConfig | None:
    """The ``[mcp_servers.X]`` entry a client's server stands for; None for a transport lha
    does not have."""
    if isinstance(server, McpServerStdio):
        return McpServerConfig(
            command=server.command,
            args=list(server.args),
            env={v.name: v.value for v in server.env} or None,
        )
    if not isinstance(server, HttpMcpServer):
        return None
    if not server.url.startswith(("http://", "https://")):
        raise InvalidRequest(
            f"MCP server {server.name!r}: its url must start with http:// or https://"
        )
    return McpServerConfig(
        url=server.url, http_headers={h.name: h.value for h in server.headers} or None
    )
