"""A model request to a plain-``http`` base URL (a local server), over asyncio's own streams.

httpx costs a start-up ~60 ms before a local server's first request: importing it (~20 ms: its
cookie jar loads ``urllib.request``, ``http.client`` and ``email``), then httpcore, h11 and
anyio's asyncio backend at the first request, and a TLS context a plain-``http`` URL never
uses. This module speaks the little HTTP/1.1 a streamed model request needs: one POST per
connection, the response framed by ``Content-Length``, chunks or the connection's end, its body
read as Server-Sent Events. ``ModelClient`` uses it when no proxy is configured in the
environment (httpx honours those) and nobody handed it an httpx client.

Failures are ``PlainHttpError``s whose ``equivalent()`` is the exception httpx (or httpx-sse)
raises for the same failure, so ``ModelClient`` judges both paths by one set of rules, and
httpx is imported only when something failed.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
from collections.abc import AsyncIterator, Awaitable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode, urlsplit

_HEAD_LIMIT = 64 * 1024
"""Status line and headers together, as httpcore allows."""
_READ_SIZE = 64 * 1024
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Characters a header value may not hold (a tab may): each would end or corrupt the header."""
_LINE_END = re.compile(r"\r\n|\r|\n")
_PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")

Kind = Literal[
    "connect", "connect_timeout", "write", "write_timeout", "read", "read_timeout",
    "remote_protocol", "local_protocol", "not_an_event_stream",
]  # fmt: skip


class PlainHttpError(Exception):
    """A failed exchange; ``kind`` says which way it failed, as httpx's exception class does."""

    def __init__(self, kind: Kind, message: str) -> None:
        super().__init__(message)
        self.kind = kind

    def equivalent(self) -> Exception:
        """The exception httpx (httpx-sse for a body that is not an event stream) raises for
        the same failure, with the same text; its cause is this error's."""
        import httpx
        from httpx_sse import SSEError

        classes: dict[str, type[Exception]] = {
            "connect": httpx.ConnectError,
            "connect_timeout": httpx.ConnectTimeout,
            "write": httpx.WriteError,
            "write_timeout": httpx.WriteTimeout,
            "read": httpx.ReadError,
            "read_timeout": httpx.ReadTimeout,
            "remote_protocol": httpx.RemoteProtocolError,
            "local_protocol": httpx.LocalProtocolError,
            "not_an_event_stream": SSEError,
        }
        equivalent = classes[self.kind](str(self))
        equivalent.__cause__ = self.__cause__
        return equivalent


def takes_plain_http(base_url: str) -> bool:
    """A base URL this module speaks to: plain ``http``, a host (and port) that parse, and no
    proxy set in the environment. Any other goes to httpx, which reports a bad URL its way."""
    if not base_url.lower().startswith("http://") or any(
        os.environ.get(name) for name in _PROXY_VARIABLES
    ):
        return False
    try:
        parts = urlsplit(base_url)
        _ = parts.port
    except ValueError:
        return False
    return bool(parts.hostname)


@dataclass(frozen=True)
class Timeouts:
    """Seconds for each step (None: no limit); ``read`` bounds each socket read."""

    connect: float | None
    read: float | None
    write: float | None


@dataclass(frozen=True)
class ServerSentEvent:
    event: str
    data: str


class EventSource:
    """The response to a POST: its status and headers (names in lower case), its body read
    whole (``aread``) or as events (``aiter_sse``). ``response`` is itself, as in httpx-sse."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        status_code: int,
        headers: dict[str, str],
        framing: int | str,
        read_timeout: float | None,
    ) -> None:
        self.response = self
        self.status_code = status_code
        self.headers = headers
        self._reader = reader
        self._writer = writer
        self._framing = framing
        self._timeout = read_timeout

    async def aread(self) -> bytes:
        return b"".join([part async for part in self.aiter_bytes()])

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it arrives, each socket read bounded by the read timeout."""
        if self._framing == "chunked":
            async for part in self._chunks():
                yield part
        elif self._framing == "close":
            while part := await self._read(self._reader.read(_READ_SIZE)):
                yield part
        else:
            remaining = int(self._framing)
            while remaining:
                part = await self._read(self._reader.read(min(remaining, _READ_SIZE)))
                if not part:
                    raise _incomplete()
                remaining -= len(part)
                yield part

    async def aiter_sse(self) -> AsyncIterator[ServerSentEvent]:
        """The body as Server-Sent Events, by the rules httpx-sse follows (a blank line ends an
        event, data lines join with newlines, comments and unknown fields are skipped)."""
        content_type = self.headers.get("content-type", "").partition(";")[0]
        if "text/event-stream" not in content_type:
            raise PlainHttpError(
                "not_an_event_stream",
                f"Expected response header Content-Type to contain 'text/event-stream', "
                f"got {content_type!r}",
            )
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        event, pending = "", ""
        data: list[str] = []
        async for part in self.aiter_bytes():
            text = pending + decoder.decode(part)
            held = "\r" if text.endswith("\r") else ""  # maybe half of a CRLF: wait for more
            *lines, pending = _LINE_END.split(text[: len(text) - len(held)])
            pending += held
            for line in lines:
                if not line:
                    if event or data:
                        yield ServerSentEvent(event or "message", "\n".join(data))
                    event, data = "", []
                    continue
                if line.startswith(":"):
                    continue
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "event":
                    event = value
                elif name == "data":
                    data.append(value)

    async def _chunks(self) -> AsyncIterator[bytes]:
        while True:
            size_line = await self._read(self._reader.readuntil(b"\r\n"))
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise PlainHttpError(
                    "remote_protocol", f"bad chunk size {size_text[:20]!r}"
                ) from None
            if size == 0:
                while await self._read(self._reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers
                return
            data = await self._read(self._reader.readexactly(size + 2))
            yield data[:-2]

    async def _read(self, step: Awaitable[bytes]) -> bytes:
        """Await one read under the read timeout; its failures in httpx's terms."""
        try:
            async with asyncio.timeout(self._timeout):
                return await step
        except TimeoutError:
            raise PlainHttpError("read_timeout", "timed out reading the response") from None
        except asyncio.IncompleteReadError:
            raise _incomplete() from None
        except asyncio.LimitOverrunError:
            raise PlainHttpError("remote_protocol", "a chunk header is too long") from None
        except OSError as err:
            raise PlainHttpError("read", str(err) or type(err).__name__) from err

    async def aclose(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()


@contextlib.asynccontextmanager
async def post_for_events(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    params: Mapping[str, str] | None,
    timeouts: Timeouts,
) -> AsyncIterator[EventSource]:
    """POST ``body`` to ``url`` (plain ``http``) asking for an event stream; the connection
    is closed when the block ends, whether the body was read or not."""
    parts = urlsplit(url)
    target = parts.path or "/"
    query = "&".join(q for q in (parts.query, urlencode(params) if params else "") if q)
    if query:
        target += "?" + query
    host = parts.hostname or ""
    port = parts.port or 80
    head = _request_head(target, parts.netloc, body, headers)
    reader, writer = await _connect(host, port, timeouts.connect)
    source: EventSource | None = None
    try:
        try:
            async with asyncio.timeout(timeouts.write):
                writer.write(head + body)
                await writer.drain()
        except TimeoutError:
            raise PlainHttpError("write_timeout", "timed out sending the request") from None
        except OSError as err:
            raise PlainHttpError("write", str(err) or type(err).__name__) from err
        status, headers_in = await _read_head(reader, timeouts.read)
        framing = _framing(status, headers_in)
        source = EventSource(reader, writer, status, headers_in, framing, timeouts.read)
        yield source
    finally:
        if source is not None:
            await source.aclose()
        else:
            writer.close()


def _request_head(target: str, netloc: str, body: bytes, headers: Mapping[str, str]) -> bytes:
    """The request line and headers, merged by name whatever its case as httpx merges them,
    with ``Accept`` and ``Cache-Control`` set as httpx-sse sets them; ``local_protocol`` for a
    header that cannot be sent."""
    fields: dict[str, tuple[str, str]] = {}
    for name, value in [
        ("Host", netloc),
        *headers.items(),
        ("Accept", "text/event-stream"),
        ("Cache-Control", "no-store"),
        ("Content-Length", str(len(body))),
    ]:
        fields[name.lower()] = (name, value)
    lines = [f"POST {target} HTTP/1.1"]
    for name, value in fields.values():
        if not _TOKEN.match(name):
            raise PlainHttpError("local_protocol", f"Illegal header name {name!r}")
        if _CONTROL.search(value):
            raise PlainHttpError("local_protocol", f"Illegal header value {value!r}")
        lines.append(name + ": " + value.strip(" \t"))
    try:
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    except UnicodeEncodeError:
        raise PlainHttpError(
            "local_protocol", "a header holds characters HTTP cannot carry"
        ) from None


async def _connect(
    host: str, port: int, seconds: float | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    try:
        async with asyncio.timeout(seconds):
            return await asyncio.open_connection(host, port, limit=_HEAD_LIMIT)
    except TimeoutError:
        raise PlainHttpError("connect_timeout", "timed out connecting") from None
    except OSError as err:
        raise PlainHttpError("connect", str(err) or type(err).__name__) from err


async def _read_head(
    reader: asyncio.StreamReader, seconds: float | None
) -> tuple[int, dict[str, str]]:
    """The final response's status and headers (interim 1xx responses skipped)."""
    while True:
        try:
            async with asyncio.timeout(seconds):
                raw = await reader.readuntil(b"\r\n\r\n")
        except TimeoutError:
            raise PlainHttpError("read_timeout", "timed out waiting for the response") from None
        except asyncio.IncompleteReadError as err:
            message = (
                "Server disconnected in the middle of the response headers."
                if err.partial
                else "Server disconnected without sending a response."
            )
            raise PlainHttpError("remote_protocol", message) from None
        except asyncio.LimitOverrunError:
            raise PlainHttpError("remote_protocol", "the response headers are too long") from None
        except OSError as err:
            raise PlainHttpError("read", str(err) or type(err).__name__) from err
        status, headers = _parse_head(raw.decode("latin-1"))
        if not 100 <= status < 200:
            return status, headers


def _parse_head(raw: str) -> tuple[int, dict[str, str]]:
    status_line, *lines = raw[:-4].split("\r\n")
    version, _, rest = status_line.partition(" ")
    code, _, _reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or not code.isdigit() or len(code) != 3:
        raise PlainHttpError("remote_protocol", f"malformed status line {status_line[:80]!r}")
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.match(name):
            raise PlainHttpError("remote_protocol", f"malformed header {line[:80]!r}")
        name, value = name.lower(), value.strip(" \t")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return int(code), headers


def _framing(status: int, headers: Mapping[str, str]) -> int | str:
    """How the body ends: a byte count, ``"chunked"`` or ``"close"`` (the connection's end)."""
    if status in (204, 304):
        return 0
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return "chunked"
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise PlainHttpError("remote_protocol", f"bad Content-Length {length[:40]!r}")
        return int(length)
    return "close"


def _incomplete() -> PlainHttpError:
    return PlainHttpError(
        "remote_protocol", "peer closed connection without sending complete message body"
    )
