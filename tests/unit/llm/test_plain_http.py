"""The plain-http path against a raw socket server: each way a response can be framed and read
as events, and each way it can fail, named as httpx names it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from httpx_sse import SSEError

from core.llm.plain_http import (
    PlainHttpError,
    ServerSentEvent,
    Timeouts,
    post_for_events,
    takes_plain_http,
)

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
TIMEOUTS = Timeouts(connect=5.0, read=5.0, write=5.0)
SSE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"


@asynccontextmanager
async def raw_server(answer: bytes | Handler) -> AsyncIterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1 that records each request (head and body) and writes ``answer``
    (or runs it), then closes the connection."""
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n")
             if line.lower().startswith(b"content-length:")),
            0,
        )  # fmt: skip
        seen.append(head + await reader.readexactly(length))
        if callable(answer):
            await answer(reader, writer)
        else:
            writer.write(answer)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", seen


async def events(base: str, timeouts: Timeouts = TIMEOUTS) -> list[ServerSentEvent]:
    async with post_for_events(base + "/v1/responses", b"{}", {}, None, timeouts) as source:
        return [event async for event in source.aiter_sse()]


async def body(base: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    async with post_for_events(
        base + "/v1/responses?x=1", b'{"a":1}', headers or {}, {"api-version": "v 2"}, TIMEOUTS
    ) as source:
        return source.status_code, await source.aread()


async def test_the_request_is_http_1_1_with_the_headers_of_an_event_stream_request() -> None:
    async with raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") as (base, seen):
        assert await body(base, {"X-Test": "yes", "accept": "*/*"}) == (200, b"ok")
    head, _, sent = seen[0].partition(b"\r\n\r\n")
    lines = [line.lower() for line in head.split(b"\r\n")]
    assert lines[0] == b"post /v1/responses?x=1&api-version=v+2 http/1.1"
    for expected in (b"x-test: yes", b"accept: text/event-stream", b"cache-control: no-store"):
        assert expected in lines
    assert any(line.startswith(b"host: 127.0.0.1:") for line in lines)
    assert sum(line.startswith(b"accept:") for line in lines) == 1, "merged as httpx merges"
    assert sent == b'{"a":1}'


async def test_chunked_events_split_anywhere_read_as_sent() -> None:
    """Chunk boundaries fall inside a CRLF, a field and a multi-byte character; comments and
    unknown fields are skipped, data lines join with newlines."""
    stream = (
        ": keep-alive\r\nevent: delta\r\ndata: caf\u00e9\r\ndata: two\r\nid: 7\r\n\r\n"
        "data: plain\n\n"
    ).encode()
    cuts = [10, 38, 40, 51, len(stream) - 3]  # in a comment, \u00e9, two CRLFs, the end
    pieces = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    chunked = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in pieces)
    answer = SSE_HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + chunked + b"0\r\nT: x\r\n\r\n"
    async with raw_server(answer) as (base, _):
        got = await events(base)
    assert got == [ServerSentEvent("delta", "caf\u00e9\ntwo"), ServerSentEvent("message", "plain")]


async def test_a_body_without_length_ends_with_the_connection_and_1xx_is_skipped() -> None:
    answer = b"HTTP/1.1 100 Continue\r\n\r\n" + SSE_HEAD + b"\r\ndata: until the end\n\n"
    async with raw_server(answer) as (base, _):
        assert await events(base) == [ServerSentEvent("message", "until the end")]


async def test_events_are_yielded_as_they_arrive() -> None:
    got_first = asyncio.Event()

    async def slowly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(SSE_HEAD + b"Transfer-Encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n")
        await writer.drain()
        await got_first.wait()
        writer.write(b"9\r\ndata: 2\n\n\r\n0\r\n\r\n")
        await writer.drain()

    async with (
        raw_server(slowly) as (base, _),
        post_for_events(base, b"", {}, None, TIMEOUTS) as source,
    ):
        seen = []
        async for event in source.aiter_sse():
            seen.append(event.data)
            got_first.set()
    assert seen == ["1", "2"]


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\ncut",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"SMTP ready\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"",
    ],
    ids=["short", "cut-chunk", "bad-chunk-size", "not-http", "bad-header", "nothing"],
)
async def test_a_malformed_or_cut_response_is_httpx_s_remote_protocol_error(answer: bytes) -> None:
    async with raw_server(answer) as (base, _):
        with pytest.raises(PlainHttpError) as info:
            await body(base)
    assert isinstance(info.value.equivalent(), httpx.RemoteProtocolError)


async def test_a_body_that_is_not_an_event_stream_is_httpx_sse_s_error() -> None:
    async with raw_server(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>") as (base, _):
        with pytest.raises(PlainHttpError) as info:
            await events(base)
    assert isinstance(info.value.equivalent(), SSEError)


async def test_a_silent_server_is_a_read_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    async with raw_server(silent) as (base, _):
        with pytest.raises(PlainHttpError) as info:
            await events(base, Timeouts(connect=5.0, read=0.2, write=5.0))
    assert isinstance(info.value.equivalent(), httpx.ReadTimeout)


async def test_a_refused_connection_is_a_connect_error_that_says_so() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PlainHttpError) as info:
        await events(f"http://127.0.0.1:{port}")
    equivalent = info.value.equivalent()
    assert isinstance(equivalent, httpx.ConnectError)
    assert isinstance(equivalent.__cause__, ConnectionRefusedError)


async def test_a_header_that_cannot_be_sent_is_refused_before_connecting() -> None:
    async with raw_server(b"HTTP/1.1 200 OK\r\n\r\n") as (base, seen):
        with pytest.raises(PlainHttpError) as info:
            await body(base, {"X-Bad": "a\nb"})
    assert isinstance(info.value.equivalent(), httpx.LocalProtocolError)
    assert seen == []


def test_only_plain_http_without_a_proxy_takes_this_path(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert takes_plain_http("HTTP://127.0.0.1:8080/v1")
    assert not takes_plain_http("https://api.openai.com/v1")
    for broken in ("http://[::1/v1", "http://host:port/v1", "http:///v1"):
        assert not takes_plain_http(broken), "httpx names what is wrong with it"
    monkeypatch.setenv("HTTP_PROXY", "http://proxy:3128")
    assert not takes_plain_http("http://127.0.0.1:8080/v1"), "httpx honours the proxy"
