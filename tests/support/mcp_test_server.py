"""A real MCP server for the tests, over stdio, written with the ``mcp`` SDK's high-level server.

(mcp 2 renamed ``FastMCP`` to ``MCPServer``; it is the same decorator-based server.)

    python tests/support/mcp_test_server.py [NAME]

Tools: ``echo(text)``, ``add(a, b)``, ``fail(message)`` (an MCP tool error) and ``crash()``
(the process exits mid-call, like a server that dies).
"""

from __future__ import annotations

import os
import sys

from mcp.server.mcpserver import MCPServer


def build(name: str) -> MCPServer:
    server = MCPServer(name)

    @server.tool(description="Echo the text back, prefixed with the server's name.")
    def echo(text: str) -> str:
        return f"{name} says: {text}"

    @server.tool(description="Add two integers.")
    def add(a: int, b: int) -> str:
        return str(a + b)

    @server.tool(description="Always fails with the given message.")
    def fail(message: str) -> str:
        raise ValueError(message)

    @server.tool(description="Exit the server process at once.")
    def crash() -> str:
        os._exit(3)

    return server


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else "testsrv").run("stdio")
