"""The scripted server itself: the parts other tests rely on beyond model streaming."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time

import httpx
import pytest

from core.errors import ProviderError
from core.llm.providers.endpoint import WireApi
from tests.integration.llm_helpers import collect, failure, make_client, simple_request, text_of
from tests.support.scripted_server import Reply, ScriptedServer, serve_in_thread


async def test_models_list_with_etag_and_not_modified(scripted_server: ScriptedServer) -> None:
    scripted_server.models = ["gpt-test", "other"]
    scripted_server.models_etag = '"v7"'
    async with httpx.AsyncClient() as http:
        r = await http.get(f"{scripted_server.base_url}/models")
        assert r.status_code == 200
        assert r.headers["etag"] == '"v7"'
        assert r.json() == {
            "object": "list",
            "data": [
                {"id": "gpt-test", "object": "model", "created": 0, "owned_by": "scripted"},
                {"id": "other", "object": "model", "created": 0, "owned_by": "scripted"},
            ],
        }
        r = await http.get(f"{scripted_server.base_url}/models", headers={"If-None-Match": '"v7"'})
        assert r.status_code == 304
        scripted_server.models_status = 500
        r = await http.get(f"{scripted_server.base_url}/models")
        assert r.status_code == 500
    assert [req.path for req in scripted_server.requests] == ["/v1/models"] * 3


async def test_chat_only_server_404s_the_responses_route(scripted_server: ScriptedServer) -> None:
    scripted_server.chat_only = True
    err, _ = await failure(make_client(scripted_server.base_url, "responses"), simple_request())
    assert isinstance(err, ProviderError)
    assert 'set wire_api = "chat"' in err.message
    events = await collect(make_client(scripted_server.base_url, "chat"), simple_request("x"))
    assert text_of(events) == "echo: x"


async def test_replies_are_served_in_order_across_wire_apis(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.enqueue(Reply.text("one"), Reply.text("two"))
    scripted_server.default_reply = Reply.text("default")
    got = []
    wires: list[WireApi] = ["responses", "chat", "chat"]
    for wire in wires:
        events = await collect(make_client(scripted_server.base_url, wire), simple_request())
        got.append(text_of(events))
    assert got == ["one", "two", "default"]
    assert scripted_server.pending == 0
    assert [r.wire_api for r in scripted_server.model_requests()] == ["responses", "chat", "chat"]


async def test_non_streamed_requests_get_a_json_body(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue(Reply.tool_calls([("c1", "shell", "{}")], text="hi"))
    async with httpx.AsyncClient() as http:
        r = await http.post(
            f"{scripted_server.base_url}/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "x"}]},
        )
        message = r.json()["choices"][0]["message"]
        assert message["content"] == "hi"
        assert message["tool_calls"][0]["id"] == "c1"
        r = await http.post(
            f"{scripted_server.base_url}/responses", json={"model": "m", "input": "hello"}
        )
        assert r.json()["output"][0]["content"][0]["text"] == "echo: hello"


async def test_wait_for_requests(scripted_server: ScriptedServer) -> None:
    task = asyncio.create_task(
        collect(make_client(scripted_server.base_url, "chat"), simple_request())
    )
    await scripted_server.wait_for_requests(1, within_s=5)
    await task


def test_serve_in_thread_for_synchronous_tests() -> None:
    with serve_in_thread() as server:
        server.enqueue(Reply.text("from a thread"))
        r = httpx.post(
            f"{server.base_url}/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "x"}]},
        )
        assert r.json()["choices"][0]["message"]["content"] == "from a thread"


def test_runnable_by_hand() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.scripted_server",
            "--port",
            str(port),
            "--reply",
            "hello",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert f"http://127.0.0.1:{port}/v1" in proc.stdout.readline()
        deadline = time.monotonic() + 10
        with httpx.Client() as http:
            while True:
                try:
                    r = http.post(
                        f"http://127.0.0.1:{port}/v1/chat/completions",
                        json={"model": "m", "messages": [{"role": "user", "content": "x"}]},
                    )
                    break
                except httpx.ConnectError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        assert r.json()["choices"][0]["message"]["content"] == "hello"
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.mark.parametrize("wire", ["chat", "responses"])
async def test_delay_per_chunk(scripted_server: ScriptedServer, wire: WireApi) -> None:
    scripted_server.delay_per_chunk_s = 0.02
    scripted_server.enqueue(Reply.text("a b c d e"))
    started = time.monotonic()
    await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert time.monotonic() - started >= 0.1
