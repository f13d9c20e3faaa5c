"""``lha acp`` driven by the ACP SDK's client, as an editor drives it.

Figures:

* ``initialize`` answered, from launching ``lha acp`` (median of 5 launches after a warm-up);
  goal 0.3 s.
* The first ``agent_message_chunk`` at the client, after the scripted server wrote the model's
  first token (median of 5 prompts); goal 20 ms. Server and client share this process's clock.
* ``session/load`` of a 1,000-turn thread, replay of its history included (the client has every
  update when the answer arrives; median of 5 loads); goal 0.5 s.

Everything lives in a temporary LHA_HOME; the server is ``tests.support.scripted_server``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from acp import PROTOCOL_VERSION, spawn_agent_process, text_block

from core.protocol import SessionSource
from tests.bench import BenchResult, median
from tests.support.acp_client import RecordingClient, acp_env
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import Reply, ScriptedServer

REPEAT = 5
TURNS = 1000
MARK = "FIRSTTOKEN"
INITIALIZE_GOAL_S = 0.3
FIRST_CHUNK_GOAL_MS = 20.0
LOAD_GOAL_S = 0.5


class _ClockedServer(ScriptedServer):
    """The scripted server, noting when it writes the frame that carries ``MARK``."""

    first_token_at: float | None = None

    async def _stream(self, writer: Any, reply: Any, frames: Any, failure: Any) -> bool:
        return await super()._stream(_NotingWriter(writer, self), reply, frames, failure)


class _NotingWriter:
    def __init__(self, writer: asyncio.StreamWriter, server: _ClockedServer) -> None:
        self._writer = writer
        self._server = server

    def write(self, data: bytes) -> None:
        self._writer.write(data)
        if MARK.encode() in data and self._server.first_token_at is None:
            self._server.first_token_at = time.perf_counter()

    async def drain(self) -> None:
        await self._writer.drain()


class _ClockedClient(RecordingClient):
    first_chunk_at: float | None = None

    async def session_update(self, session_id: str, update: Any, **kw: Any) -> None:
        if update.session_update == "agent_message_chunk" and self.first_chunk_at is None:
            self.first_chunk_at = time.perf_counter()
        await super().session_update(session_id, update, **kw)


def _write_config(home: Path, base_url: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        'model = "gpt-test"\nmodel_provider = "scripted"\n[model_providers.scripted]\n'
        f'name = "Scripted"\nbase_url = "{base_url}"\nwire_api = "chat"\n'
    )


def _spawn(home: Path, client: RecordingClient) -> Any:
    return spawn_agent_process(
        client,
        sys.executable,
        "-m",
        "tui.cli",
        "acp",
        env=acp_env(home),
        cwd=home.parent,
        use_unstable_protocol=True,
    )


async def _initialize_times(home: Path) -> list[float]:
    times: list[float] = []
    for attempt in range(REPEAT + 1):  # the first launch warms the page cache and .pyc files
        start = time.perf_counter()
        async with _spawn(home, RecordingClient()) as (conn, _):
            await conn.initialize(protocol_version=PROTOCOL_VERSION)
            if attempt:
                times.append(time.perf_counter() - start)
    return times


async def _first_chunk_latencies(home: Path, work: Path, server: _ClockedServer) -> list[float]:
    latencies: list[float] = []
    client = _ClockedClient()
    async with _spawn(home, client) as (conn, _):
        await conn.initialize(protocol_version=PROTOCOL_VERSION)
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        for attempt in range(REPEAT + 1):
            server.first_token_at, client.first_chunk_at = None, None
            server.enqueue(Reply.text(f"{MARK} and the rest of the answer"))
            await conn.prompt(session_id=session.session_id, prompt=[text_block("hi")])
            assert server.first_token_at is not None and client.first_chunk_at is not None
            if attempt:
                latencies.append(client.first_chunk_at - server.first_token_at)
    return latencies


async def _load_times(home: Path, work: Path) -> tuple[list[float], int]:
    path = write_rollout(home, work, TURNS, model="gpt-test", source=SessionSource.ACP)
    session_id = path.stem[-36:]
    times: list[float] = []
    client = RecordingClient()
    async with _spawn(home, client) as (conn, _):
        await conn.initialize(protocol_version=PROTOCOL_VERSION)
        for attempt in range(REPEAT + 1):
            client.clear()
            start = time.perf_counter()
            await conn.load_session(cwd=str(work), session_id=session_id, mcp_servers=[])
            if attempt:
                times.append(time.perf_counter() - start)
    return times, len(client.updates)


async def run() -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="lha-bench-acp-") as raw:
        folder = Path(raw)
        home, work = folder / "home", folder / "work"
        work.mkdir()
        async with _ClockedServer() as server:
            _write_config(home, server.base_url)
            init = await _initialize_times(home)
            first = await _first_chunk_latencies(home, work, server)
            load, updates = await _load_times(home, work)
    return [
        BenchResult(
            "acp: initialize answered from launch",
            median(init),
            "s",
            goal=INITIALIZE_GOAL_S,
            detail=f"`python -m tui.cli acp`, median of {REPEAT} (best {min(init):.3f})",
        ),
        BenchResult(
            "acp: first agent_message_chunk after the first token",
            median(first) * 1000,
            "ms",
            goal=FIRST_CHUNK_GOAL_MS,
            detail=f"median of {REPEAT} prompts (worst {max(first) * 1000:.1f} ms)",
        ),
        BenchResult(
            f"acp: session/load of a {TURNS:,}-turn thread with replay",
            median(load),
            "s",
            goal=LOAD_GOAL_S,
            detail=f"{updates} session/update notifications, median of {REPEAT}",
        ),
    ]
