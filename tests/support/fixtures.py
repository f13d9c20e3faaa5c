"""Pytest fixtures for the scripted model server, registered by ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from tests.support.mcp_http_server import http_mcp_server
from tests.support.scripted_server import ScriptedServer, serve_in_thread


@pytest_asyncio.fixture
async def scripted_server() -> AsyncIterator[ScriptedServer]:
    """A started ScriptedServer on 127.0.0.1 in the test's event loop."""
    async with ScriptedServer() as server:
        yield server


@pytest.fixture
def scripted_server_thread() -> Iterator[ScriptedServer]:
    """A ScriptedServer on its own loop in a background thread, for synchronous tests."""
    with serve_in_thread() as server:
        yield server


@pytest.fixture
def http_server_url() -> Iterator[str]:
    """A streamable-HTTP MCP server (the MCP SDK's) named ``web``; its endpoint URL."""
    with http_mcp_server("web") as url:
        yield url


@pytest.fixture(autouse=True)
def _fast_model_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Model-client retry backoff of 1 ms instead of ~200 ms, so fault tests stay fast.

    Set through the environment so it also reaches ``lha`` run in a subprocess.
    """
    monkeypatch.setenv("LHA_RETRY_BASE_DELAY_MS", "1")


@pytest.fixture(autouse=True)
def _no_codex_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test sees an empty ``CODEX_HOME`` (also ``lha`` in a subprocess): the sessions of
    a Codex CLI on the machine running the tests must not show up in their session lists."""
    monkeypatch.setenv("CODEX_HOME", str(tmp_path_factory.mktemp("codex-home")))
