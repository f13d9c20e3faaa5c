"""The MCP SDK's own streamable-HTTP server (``mcp_test_server.py --http``) as a subprocess on
127.0.0.1, for tests of lha's ``url`` MCP servers (from config.toml or from an ACP client)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER = str(Path(__file__).resolve().parent / "mcp_test_server.py")
START_TIMEOUT_S = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def http_mcp_server(name: str = "web") -> Iterator[str]:
    """A started server named ``name``; yields its endpoint URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, SERVER, name, "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _listening(port):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the streamable HTTP MCP test server did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(10)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
