"""HTTP/1.1 for a plain-``http`` base URL (a local server), over asyncio's own streams.

httpx's default transport goes through httpcore, which loads h11 and anyio's asyncio backend
at the first request and builds a TLS context when it is made: ~40 ms of every ``lha exec``
against a local server, for machinery a plain-``http`` request never uses. This transport
speaks the little HTTP/1.1 a model request needs (one request per connection, the response
framed by ``Content-Length``, chunks or the connection's end) and fails the way httpx's own
does, with httpx's exceptions, so ``ModelClient`` cannot tell the two apart: a refused or timed
out connection is ``ConnectError`` / ``ConnectTimeout``, a silent socket ``ReadTimeout``, a
malformed or cut response ``RemoteProtocolError``, a header that cannot be sent
``LocalProtocolError``. httpx still builds the request (headers, ``Host``, the body), decodes
the body and routes proxied URLs to its own transports.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable

import httpx

_HEAD_LIMIT = 64 * 1024
"""Status line and headers together, as httpcore allows."""
_READ_SIZE = 64 * 1024
_TOKEN = re.compile(rb"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
"""Bytes a header value may not hold (a tab may): each would end or corrupt the header."""
_NO_BODY = frozenset({204, 304})


class PlainHttpTransport(httpx.AsyncBaseTransport):
    """One connection per request, closed when its response has been read or dropped."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        head = _request_head(request)
        body = await request.aread()
        reader, writer = await _connect(request, timeouts.get("connect"))
        try:
            try:
                async with asyncio.timeout(timeouts.get("write")):
                    writer.write(head + body)
                    await writer.drain()
            except TimeoutError:
                raise httpx.WriteTimeout("timed out sending the request", request=request) from None
            except OSError as err:
                raise httpx.WriteError(str(err) or type(err).__name__, request=request) from err
            status, reason, headers = await _read_head(reader, request, timeouts.get("read"))
        except BaseException:
            writer.close()
            raise
        stream = _Body(reader, writer, _framing(request, status, headers), timeouts.get("read"))
        return httpx.Response(
            status,
            headers=headers,
            stream=stream,
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason},
        )


def _request_head(request: httpx.Request) -> bytes:
    """The request line and headers; ``LocalProtocolError`` for a header that cannot be sent."""
    lines = [b"%s %s HTTP/1.1" % (request.method.encode("ascii"), request.url.raw_path)]
    for name, value in request.headers.raw:
        if not _TOKEN.match(name):
            raise httpx.LocalProtocolError(f"Illegal header name {name!r}", request=request)
        if _CONTROL.search(value):
            raise httpx.LocalProtocolError(f"Illegal header value {value!r}", request=request)
        lines.append(name + b": " + value.strip(b" \t"))
    return b"\r\n".join(lines) + b"\r\n\r\n"


async def _connect(
    request: httpx.Request, seconds: float | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    url = request.url
    try:
        async with asyncio.timeout(seconds):
            return await asyncio.open_connection(url.host, url.port or 80, limit=_HEAD_LIMIT)
    except TimeoutError:
        raise httpx.ConnectTimeout("timed out connecting", request=request) from None
    except OSError as err:
        raise httpx.ConnectError(str(err) or type(err).__name__, request=request) from err


async def _read_head(
    reader: asyncio.StreamReader, request: httpx.Request, seconds: float | None
) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """The final response's status, reason and headers (interim 1xx responses skipped)."""
    while True:
        try:
            async with asyncio.timeout(seconds):
                raw = await reader.readuntil(b"\r\n\r\n")
        except TimeoutError:
            raise httpx.ReadTimeout("timed out waiting for the response", request=request) from None
        except asyncio.IncompleteReadError as err:
            message = (
                "Server disconnected without sending a response."
                if not err.partial
                else "Server disconnected in the middle of the response headers."
            )
            raise httpx.RemoteProtocolError(message, request=request) from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError(
                "the response headers are too long", request=request
            ) from None
        except OSError as err:
            raise httpx.ReadError(str(err) or type(err).__name__, request=request) from err
        status, reason, headers = _parse_head(raw, request)
        if not 100 <= status < 200:
            return status, reason, headers


def _parse_head(raw: bytes, request: httpx.Request) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    status_line, *lines = raw[:-4].split(b"\r\n")
    version, _, rest = status_line.partition(b" ")
    code, _, reason = rest.partition(b" ")
    if not version.startswith(b"HTTP/1.") or not code.isdigit() or len(code) != 3:
        raise httpx.RemoteProtocolError(
            f"malformed status line {status_line[:80]!r}", request=request
        )
    headers: list[tuple[bytes, bytes]] = []
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.match(name):
            raise httpx.RemoteProtocolError(f"malformed header {line[:80]!r}", request=request)
        headers.append((name, value.strip(b" \t")))
    return int(code), reason, headers


def _framing(request: httpx.Request, status: int, headers: list[tuple[bytes, bytes]]) -> int | str:
    """How the body ends: a byte count, ``"chunked"`` or ``"close"`` (the connection's end)."""
    if request.method == "HEAD" or status in _NO_BODY:
        return 0
    values = {name.lower(): value for name, value in headers}
    if b"chunked" in values.get(b"transfer-encoding", b"").lower():
        return "chunked"
    length = values.get(b"content-length")
    if length is not None:
        if not length.isdigit():
            raise httpx.RemoteProtocolError(f"bad Content-Length {length[:40]!r}", request=request)
        return int(length)
    return "close"


class _Body(httpx.AsyncByteStream):
    """The response body as it arrives, each socket read bounded by the read timeout."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        framing: int | str,
        timeout: float | None,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._framing = framing
        self._timeout = timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
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
        finally:
            await self.aclose()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while True:
            size_line = await self._read(self._reader.readuntil(b"\r\n"))
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise httpx.RemoteProtocolError(f"bad chunk size {size_text[:20]!r}") from None
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
            raise httpx.ReadTimeout("timed out reading the response") from None
        except asyncio.IncompleteReadError:
            raise _incomplete() from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("a chunk header is too long") from None
        except OSError as err:
            raise httpx.ReadError(str(err) or type(err).__name__) from err

    async def aclose(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()


def _incomplete() -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(
        "peer closed connection without sending complete message body (incomplete chunked read)"
    )
