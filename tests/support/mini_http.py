"""Just enough HTTP/1.1 for the scripted server: parse a request, write plain and chunked replies.

Hand-written on ``asyncio`` streams (not aiohttp or uvicorn) because the faults the server injects
live below any framework: dropping the socket mid-chunk, stalling between bytes, ending a chunked
body early. Keep-alive is supported so the client's connection pool is exercised as in real life.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

MAX_BODY = 64 * 1024 * 1024


@dataclass
class HttpRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


class BadRequest(Exception):
    pass


async def read_request(reader: asyncio.StreamReader) -> HttpRequest | None:
    """Read one request; ``None`` when the client closed the connection between requests."""
    try:
        line = await reader.readline()
    except (ConnectionError, asyncio.IncompleteReadError):
        return None
    if not line:
        return None
    parts = line.decode("latin-1").strip().split(" ")
    if len(parts) != 3:
        raise BadRequest(f"bad request line {line!r}")
    method, target, _version = parts
    headers: dict[str, str] = {}
    while True:
        hline = await reader.readline()
        if hline in (b"\r\n", b"\n", b""):
            break
        name, _, value = hline.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(chunks)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        if length > MAX_BODY:
            raise BadRequest("body too large")
        body = await reader.readexactly(length)
    split = urlsplit(target)
    return HttpRequest(method, split.path, dict(parse_qsl(split.query)), headers, body)


def _status_line(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Status"
    return f"HTTP/1.1 {status} {phrase}\r\n"


def head(status: int, headers: dict[str, str]) -> bytes:
    lines = [_status_line(status)] + [f"{k}: {v}\r\n" for k, v in headers.items()]
    return ("".join(lines) + "\r\n").encode("latin-1")


async def send_json(
    writer: asyncio.StreamWriter,
    status: int,
    obj: object,
    extra: dict[str, str] | None = None,
    keep_alive: bool = True,
) -> None:
    payload = b"" if status == 304 else json.dumps(obj).encode()
    headers = {"Content-Type": "application/json"}
    if status != 304:
        headers["Content-Length"] = str(len(payload))
    headers["Connection"] = "keep-alive" if keep_alive else "close"
    headers.update(extra or {})
    writer.write(head(status, headers) + payload)
    await writer.drain()


def chunk(data: bytes) -> bytes:
    """One HTTP chunk of a ``Transfer-Encoding: chunked`` body."""
    return b"%x\r\n%s\r\n" % (len(data), data)


LAST_CHUNK = b"0\r\n\r\n"

SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "Transfer-Encoding": "chunked",
}
