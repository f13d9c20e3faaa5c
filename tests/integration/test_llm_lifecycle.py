"""Cancellation, shared HTTP clients, and the key staying out of logs and reprs."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from core.llm.client import ModelClient
from core.llm.providers.endpoint import RuntimeEndpoint
from core.llm.response_events import TextDelta
from tests.integration.llm_helpers import (
    KEY,
    collect,
    failure,
    make_client,
    simple_request,
    text_of,
)
from tests.support.scripted_server import Reply, ScriptedServer


async def test_cancelling_a_stream_mid_answer_releases_everything(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.enqueue(Reply.text("a b c", stall_after=1, stall_s=30))
    client = make_client(scripted_server.base_url, "chat")
    first = asyncio.Event()

    async def consume() -> None:
        async for ev in client.stream(simple_request()):
            if isinstance(ev, TextDelta):
                first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await client.aclose()
    # the same server keeps answering
    events = await collect(make_client(scripted_server.base_url, "chat"), simple_request("x"))
    assert text_of(events) == "echo: x"


async def test_a_caller_supplied_http_client_is_not_closed(
    scripted_server: ScriptedServer,
) -> None:
    endpoint = RuntimeEndpoint(name="s", base_url=scripted_server.base_url, wire_api="responses")
    async with httpx.AsyncClient() as http:
        client = ModelClient(endpoint, None, http)
        for _ in range(2):
            assert text_of([e async for e in client.stream(simple_request("y"))]) == "echo: y"
        await client.aclose()
        assert not http.is_closed


async def test_the_key_appears_in_no_log_record_or_repr(
    scripted_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    scripted_server.enqueue(
        Reply.error(500, message=f"echoing {KEY}"), Reply.text("x", cut_after=0)
    )
    scripted_server.enqueue(Reply.error(401, message=f"Incorrect API key provided: {KEY}"))
    client = make_client(scripted_server.base_url, "chat", env_key="SOME_KEY")
    assert KEY not in repr(client)
    err, _ = await failure(client, simple_request())
    assert KEY not in caplog.text
    assert KEY not in repr(err) and KEY not in err.message
    cause: BaseException | None = err
    while cause is not None:
        assert KEY not in str(cause)
        cause = cause.__cause__


async def test_a_plain_http_server_is_reached_without_any_tls_set_up(
    scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A local server's base URL is plain ``http``: the client's transport makes no TLS
    context (each costs ~11 ms of start-up), and the answer still streams."""
    import ssl

    def no_tls(*args: object, **kwargs: object) -> ssl.SSLContext:
        raise AssertionError("a TLS context was made for a plain-http request")

    monkeypatch.setattr(ssl, "create_default_context", no_tls)
    monkeypatch.setattr(ssl.SSLContext, "__new__", no_tls)
    scripted_server.enqueue(Reply.text("plain"))
    events = await collect(make_client(scripted_server.base_url, "chat"), simple_request())
    assert text_of(events) == "plain"
