"""Lines from the client checked before the SDK reads them: only JSON-RPC objects get through.

The SDK skips a line that is not JSON without answering, and a JSON value that is not an object
(``[1, 2]``, ``"hi"``) stops its read loop with a traceback. Here the first is answered with the
JSON-RPC parse error and the second with "invalid request", as JSON-RPC 2.0 says, and the
session goes on. ``initialize`` is answered here too, from ``capabilities``, so it needs neither
the SDK nor the engine loaded; every other line reaches the SDK unchanged.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from tui.acp.capabilities import initialize_answer

PARSE_ERROR = -32700
INVALID_REQUEST = -32600


def guard_input(
    raw: asyncio.StreamReader, out: asyncio.StreamWriter, limit: int, lha_version: str
) -> tuple[asyncio.StreamReader, asyncio.Task[None]]:
    """A reader of the client's valid lines, and the task filling it from ``raw``."""
    checked = asyncio.StreamReader(limit=limit)
    task = asyncio.create_task(_forward(raw, checked, out, lha_version), name="acp-wire-guard")
    return checked, task


async def _forward(
    raw: asyncio.StreamReader,
    checked: asyncio.StreamReader,
    out: asyncio.StreamWriter,
    lha_version: str,
) -> None:
    try:
        while True:
            try:
                line = await raw.readline()
            except ValueError:  # longer than the limit: the SDK could not read it either
                _answer(out, Rejection(None, PARSE_ERROR, "the line is longer than lha acp reads"))
                continue
            if not line:
                return
            if not line.strip():
                continue
            message = _parsed(line)
            if isinstance(message, Rejection):
                _answer(out, message)
            elif (answer := initialize_answer(message, lha_version)) is not None:
                out.write(json.dumps(answer).encode() + b"\n")
            else:
                checked.feed_data(line if line.endswith(b"\n") else line + b"\n")
    finally:
        checked.feed_eof()


@dataclass(frozen=True)
class Rejection:
    """The JSON-RPC error answering a line instead of passing it on."""

    request_id: Any
    code: int
    message: str


def _parsed(line: bytes) -> dict[str, Any] | Rejection:
    """The line's JSON-RPC message, or the error to answer it with."""
    try:
        message = json.loads(line)
    except (ValueError, RecursionError):
        return Rejection(None, PARSE_ERROR, "not JSON: each line must be one JSON-RPC message")
    if not isinstance(message, dict):
        return Rejection(None, INVALID_REQUEST, "a JSON-RPC message is a JSON object")
    request_id = message.get("id")
    if not isinstance(request_id, str | int | None) or isinstance(request_id, bool):
        return Rejection(None, INVALID_REQUEST, "a JSON-RPC id is a string or a number")
    is_call = isinstance(message.get("method"), str)
    is_response = "id" in message and ("result" in message or "error" in message)
    if is_call or is_response:
        return message
    return Rejection(request_id, INVALID_REQUEST, "not a request, a notification or a response")


def _answer(out: asyncio.StreamWriter, rejection: Rejection) -> None:
    error = {
        "jsonrpc": "2.0",
        "id": rejection.request_id,
        "error": {"code": rejection.code, "message": rejection.message},
    }
    out.write(json.dumps(error).encode() + b"\n")
