"""The plain-http transport against a raw socket server: each way a response can be framed,
and each way it can fail, seen through httpx as ``ModelClient`` sees it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from core.llm.plain_http import PlainHttpTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(answer: bytes | Handler) -> AsyncIterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1 that records each request's head and writes ``answer`` (or runs
    it), then closes the connection."""
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


async def fetch(base: str, **kwargs: object) -> httpx.Response:
    async with httpx.AsyncClient(transport=PlainHttpTransport(), **kwargs) as client:  # type: ignore[arg-type]
        response = await client.post(base + "/v1/responses?x=1", content=b'{"a":1}')
        return response


async def test_the_request_goes_out_as_http_1_1_with_its_body() -> None:
    async with raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") as (base, seen):
        response = await fetch(base, headers={"X-Test": "yes"})
    assert (response.status_code, response.text, response.reason_phrase) == (200, "ok", "OK")
    head, _, body = seen[0].partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /v1/responses?x=1 HTTP/1.1"
    assert b"x-test: yes" in [line.lower() for line in lines]
    assert any(line.lower().startswith(b"host: 127.0.0.1:") for line in lines)
    assert body == b'{"a":1}'


async def test_chunks_with_extensions_and_trailers_arrive_as_sent() -> None:
    answer = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
    )
    async with raw_server(answer) as (base, _):
        response = await fetch(base)
    assert response.text == "hello world"


async def test_a_body_without_length_ends_with_the_connection_and_1xx_is_skipped() -> None:
    answer = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nuntil the end"
    async with raw_server(answer) as (base, _):
        response = await fetch(base)
    assert (response.status_code, response.text) == (200, "until the end")


async def test_a_streamed_body_is_yielded_as_it_arrives() -> None:
    got_first = asyncio.Event()

    async def slowly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n")
        await writer.drain()
        await got_first.wait()
        writer.write(b"3\r\ntwo\r\n0\r\n\r\n")
        await writer.drain()

    async with (
        raw_server(slowly) as (base, _),
        httpx.AsyncClient(transport=PlainHttpTransport()) as client,
        client.stream("GET", base) as response,
    ):
        parts = []
        async for part in response.aiter_raw():
            parts.append(part)
            got_first.set()
    assert parts == [b"one", b"two"]


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
async def test_a_malformed_or_cut_response_is_a_remote_protocol_error(answer: bytes) -> None:
    async with raw_server(answer) as (base, _):
        with pytest.raises(httpx.RemoteProtocolError):
            await fetch(base)


async def test_a_silent_server_is_a_read_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    async with raw_server(silent) as (base, _):
        with pytest.raises(httpx.ReadTimeout):
            await fetch(base, timeout=httpx.Timeout(5.0, read=0.2))


async def test_a_refused_connection_is_a_connect_error_that_says_so() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(httpx.ConnectError) as info:
        await fetch(f"http://127.0.0.1:{port}")
    assert isinstance(info.value.__cause__, ConnectionRefusedError)


async def test_a_header_that_cannot_be_sent_is_refused_before_connecting() -> None:
    async with raw_server(b"HTTP/1.1 200 OK\r\n\r\n") as (base, seen):
        with pytest.raises(httpx.LocalProtocolError):
            await fetch(base, headers={"X-Bad": "a\nb"})
    assert seen == []
