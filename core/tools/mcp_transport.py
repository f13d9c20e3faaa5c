"""The two ways lha reaches an MCP server: a process over stdio, or a URL over streamable HTTP.

Both are the ``mcp`` SDK's own client transports, entered as one async context that yields the
read and write streams a ``ClientSession`` needs. Imports stay inside: the SDK is slow to import
and is loaded only when a server is configured.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TextIO

from core import __version__
from core.config.model import McpServerConfig

HTTP_CONNECT_TIMEOUT_S = 30.0
HTTP_READ_TIMEOUT_S = 300.0
"""A streamable-HTTP server may hold a response stream open while a tool runs."""


class McpConfigProblem(Exception):
    """A server's configuration cannot be used as it is (a token variable that is not set)."""


def client_info() -> Any:
    """How lha names itself to MCP servers (``clientInfo`` of ``initialize``)."""
    from mcp.types import Implementation

    return Implementation(name="lha", version=__version__)


def http_headers(cfg: McpServerConfig) -> dict[str, str]:
    """``http_headers`` plus ``Authorization: Bearer`` from ``bearer_token_env_var``."""
    headers = dict(cfg.http_headers or {})
    if cfg.bearer_token_env_var:
        token = os.environ.get(cfg.bearer_token_env_var)
        if not token:
            raise McpConfigProblem(
                f"bearer_token_env_var names {cfg.bearer_token_env_var}, which is not set; "
                "export it or remove the key"
            )
        headers["Authorization"] = f"Bearer {token}"
    return headers


@asynccontextmanager
async def open_transport(cfg: McpServerConfig, errlog: TextIO) -> AsyncIterator[tuple[Any, Any]]:
    """The server's (read, write) streams; a stdio server's stderr goes to ``errlog``."""
    if cfg.url is not None:
        async with _http_transport(cfg.url, http_headers(cfg)) as streams:
            yield streams
        return
    from mcp import StdioServerParameters
    from mcp.client.stdio import stdio_client

    assert cfg.command is not None  # the config allows exactly one of command and url
    params = StdioServerParameters(
        command=cfg.command,
        args=list(cfg.args),
        env=dict(cfg.env) if cfg.env else None,
        cwd=str(cfg.cwd) if cfg.cwd else None,
    )
    async with stdio_client(params, errlog=errlog) as (read, write):
        yield read, write


@asynccontextmanager
async def _http_transport(url: str, headers: dict[str, str]) -> AsyncIterator[tuple[Any, Any]]:
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    timeout = httpx2.Timeout(HTTP_CONNECT_TIMEOUT_S, read=HTTP_READ_TIMEOUT_S)
    async with (
        httpx2.AsyncClient(headers=headers, timeout=timeout) as http,
        streamable_http_client(url, http_client=http) as streams,
    ):
        yield streams[0], streams[1]
