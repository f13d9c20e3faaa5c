"""A real MCP server for the tests, written with the ``mcp`` SDK's high-level server: over stdio,
or over streamable HTTP on 127.0.0.1 (``--http PORT``, endpoint ``/mcp``).

(mcp 2 renamed ``FastMCP`` to ``MCPServer``; it is the same decorator-based server.)

    python tests/support/mcp_test_server.py [NAME] [--http PORT]

Tools: ``echo(text)``, ``add(a, b)``, ``fail(message)`` (an MCP tool error) and ``crash()``
(the process exits mid-call, like a server that dies), ``whoami()`` (the client's name from
``initialize`` and the Authorization header it sent, to check what lha sends), ``chart()`` (a
text part and a 2x2 PNG as image content).
"""

from __future__ import annotations

import base64
import os
import sys

from mcp.server.mcpserver import Context, Image, MCPServer

CHART_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR4nGNgYGRgYAQAAAsAA1IpeI8AAAAASUVORK5CYII="
)
"""What ``chart()`` returns as image content: a 2x2 grey PNG."""


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

    @server.tool(description="Who is calling: client name and Authorization header.")
    def whoami(ctx: Context) -> str:
        params = ctx.session.client_params
        client = params.client_info.name if params is not None else "?"
        headers = ctx.headers or {}
        return f"client={client} authorization={headers.get('authorization', '-')}"

    @server.tool(description="Draw the chart: a caption and the chart as a PNG image.")
    def chart() -> list[str | Image]:
        return ["the chart", Image(data=CHART_PNG, format="png")]

    return server


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--http" in args:
        at = args.index("--http")
        port = int(args[at + 1])
        del args[at : at + 2]
        server = build(args[0] if args else "testsrv")
        server.run("streamable-http", host="127.0.0.1", port=port)
    else:
        build(args[0] if args else "testsrv").run("stdio")
