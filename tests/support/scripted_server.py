"""A scripted OpenAI-compatible model server on 127.0.0.1, streaming real SSE over real HTTP.

Every test that needs a model talks to this server through the real client code path: both wire
APIs (``POST /v1/responses`` and ``POST /v1/chat/completions``), ``GET /v1/models``, and the
faults the client must survive (HTTP errors, a cut or stalled stream, a malformed chunk).

    async with ScriptedServer() as server:
        server.enqueue(Reply.text("Hello world", chunks=3))
        ...  # point a RuntimeEndpoint at server.base_url

Replies are served in FIFO order to the model POSTs, whichever wire API they arrive on; with the
queue empty the server answers ``default_reply`` (default: ``"echo: <last user text>"``).

By hand, as a stand-in model for trying lha:

    python -m tests.support.scripted_server --port 8080 --reply "hello"
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from tests.support import mini_http as http
from tests.support.replies import Reply
from tests.support.wire_frames import (
    Frame,
    chat_body,
    chat_failure_frame,
    chat_frames,
    error_body,
    responses_body,
    responses_failure_frame,
    responses_frames,
)

__all__ = ["RecordedRequest", "Reply", "ScriptedServer", "serve_in_thread"]


@dataclass
class RecordedRequest:
    """One request as the server saw it. ``headers`` has lower-cased names."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    query: dict[str, str] = field(default_factory=dict)

    @property
    def wire_api(self) -> str | None:
        if self.path.endswith("/responses"):
            return "responses"
        if self.path.endswith("/chat/completions"):
            return "chat"
        return None


def last_user_text(body: Any) -> str:
    """The text of the last user message of a request body of either wire API."""
    if not isinstance(body, dict):
        return ""
    items = body.get("messages") or body.get("input") or []
    if isinstance(items, str):
        return items
    for item in reversed(items):
        if not isinstance(item, dict) or item.get("role") != "user":
            continue
        content = item.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "".join(
                str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p
            )
    return ""


class _Cut(Exception):
    """Raised inside a stream to drop the connection abruptly."""


class ScriptedServer:
    """See the module docstring. Attributes are plain and may be changed at any time."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.models: list[str] = ["gpt-test"]
        self.model_fields: dict[str, dict[str, object]] = {}
        """Extra fields of a model's ``GET /models`` entry, e.g. ``{"context_window": 2048}``."""
        self.models_etag: str | None = '"models-v1"'
        self.models_status: int | None = None
        self.default_reply: Reply | None = None
        self.echo_reasoning: str | None = None
        """Reasoning streamed before the default echo reply (None: no reasoning)."""
        self.delay_per_chunk_s: float = 0.0
        self.chat_only: bool = False
        self.requests: list[RecordedRequest] = []
        self._queue: deque[Reply] = deque()
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._ids = itertools.count(1)
        self._request_event = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def aclose(self) -> None:
        if self._server is not None:
            self._server.close()
        for w in list(self._writers):
            w.close()  # idle keep-alive handlers see EOF and end on their own
        if self._conns:
            await asyncio.wait(list(self._conns), timeout=0.05)
        for t in list(self._conns):
            t.cancel()  # the rest are stalled on purpose
        if self._conns:
            await asyncio.gather(*self._conns, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> ScriptedServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    # -- scripting ------------------------------------------------------------------------------

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies for the next model POSTs, in order."""
        self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """Replies still queued."""
        return len(self._queue)

    def model_requests(self) -> list[RecordedRequest]:
        """The POSTs to either wire API, oldest first."""
        return [r for r in self.requests if r.method == "POST" and r.wire_api is not None]

    def last_body(self) -> Any:
        """The parsed JSON body of the last model POST."""
        reqs = self.model_requests()
        if not reqs:
            raise AssertionError("the scripted server has received no model request")
        return reqs[-1].body

    def bodies(self) -> list[Any]:
        return [r.body for r in self.model_requests()]

    async def wait_for_requests(self, n: int, within_s: float = 5.0) -> None:
        """Wait until at least ``n`` model requests arrived."""
        async with asyncio.timeout(within_s):
            while len(self.model_requests()) < n:
                self._request_event.clear()
                await self._request_event.wait()

    # -- connection handling ----------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        self._writers.add(writer)
        try:
            while True:
                try:
                    req = await http.read_request(reader)
                except http.BadRequest:
                    await http.send_json(
                        writer, 400, error_body(400, "bad request", None), None, False
                    )
                    break
                if req is None:
                    break
                keep = await self._dispatch(req, writer)
                if not keep or not req.keep_alive:
                    break
        except _Cut:
            writer.transport.abort()  # drop the socket mid-body, as a crashed server would
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # only aclose() cancels handlers; ending quietly keeps asyncio from logging it
        finally:
            self._writers.discard(writer)
            self._conns.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _dispatch(self, req: http.HttpRequest, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; return False when the connection must be closed afterwards."""
        body: Any = None
        if req.body:
            try:
                body = json.loads(req.body)
            except ValueError:
                body = req.body.decode("utf-8", "replace")
        self.requests.append(RecordedRequest(req.method, req.path, req.headers, body, req.query))
        self._request_event.set()
        path = req.path.rstrip("/")
        if req.method == "GET" and path.endswith("/models"):
            await self._serve_models(req, writer)
            return True
        is_responses = path.endswith("/responses")
        is_chat = path.endswith("/chat/completions")
        if (
            req.method != "POST"
            or not (is_responses or is_chat)
            or (is_responses and self.chat_only)
        ):
            await http.send_json(writer, 404, error_body(404, None, None))
            return True
        reply = self._next_reply(body)
        if reply.status != 200:
            extra = {k: v for k, v in reply.headers}
            if reply.retry_after is not None:
                extra["Retry-After"] = _fmt_seconds(reply.retry_after)
            err = error_body(reply.status, reply.error_message, reply.error_code)
            await http.send_json(writer, reply.status, err, extra)
            return True
        if reply.raw_sse is not None:
            return await self._stream_raw(writer, reply.raw_sse)
        model = str(body.get("model", "gpt-test")) if isinstance(body, dict) else "gpt-test"
        stream = bool(body.get("stream")) if isinstance(body, dict) else False
        rid = reply.response_id or f"{'resp' if is_responses else 'chatcmpl'}_{next(self._ids)}"
        if not stream:
            obj = (
                responses_body(reply, model, rid) if is_responses else chat_body(reply, model, rid)
            )
            await http.send_json(writer, 200, obj, dict(reply.headers))
            return True
        if is_responses:
            frames = responses_frames(reply, model, rid)
            failure = responses_failure_frame(reply, rid)
        else:
            opts = body.get("stream_options") if isinstance(body, dict) else None
            include_usage = isinstance(opts, dict) and bool(opts.get("include_usage"))
            frames = chat_frames(reply, model, rid, include_usage)
            failure = chat_failure_frame(reply)
        return await self._stream(writer, reply, frames, failure)

    def _next_reply(self, body: Any) -> Reply:
        if self._queue:
            return self._queue.popleft()
        if self.default_reply is not None:
            return self.default_reply
        return Reply.text(f"echo: {last_user_text(body)}", reasoning=self.echo_reasoning)

    async def _serve_models(self, req: http.HttpRequest, writer: asyncio.StreamWriter) -> None:
        if self.models_status is not None and self.models_status != 200:
            err = error_body(self.models_status, None, None)
            await http.send_json(writer, self.models_status, err)
            return
        extra = {"ETag": self.models_etag} if self.models_etag else {}
        if self.models_etag and req.headers.get("if-none-match") == self.models_etag:
            await http.send_json(writer, 304, None, extra)
            return
        data = [
            {"id": m, "object": "model", "created": 0, "owned_by": "scripted"}
            | self.model_fields.get(m, {})
            for m in self.models
        ]
        await http.send_json(writer, 200, {"object": "list", "data": data}, extra)

    async def _stream_raw(self, writer: asyncio.StreamWriter, chunks: tuple[bytes, ...]) -> bool:
        writer.write(http.head(200, {**http.SSE_HEADERS, "Connection": "keep-alive"}))
        for chunk in chunks:
            if chunk:
                writer.write(http.chunk(chunk))
        writer.write(http.LAST_CHUNK)
        await writer.drain()
        return True

    async def _stream(
        self, writer: asyncio.StreamWriter, reply: Reply, frames: list[Frame], failure: Frame
    ) -> bool:
        """Write the frames, firing the reply's fault when its position is reached."""
        headers = {**http.SSE_HEADERS, "Connection": "keep-alive", **dict(reply.headers)}
        writer.write(http.head(200, headers))
        await writer.drain()
        faults = [
            (pos, kind)
            for pos, kind in (
                (reply.cut_after, "cut"),
                (reply.stall_after, "stall"),
                (reply.malformed_after, "malformed"),
                (reply.odd_after, "odd"),
                (reply.fail_after, "fail"),
            )
            if pos is not None
        ]
        deltas_sent = 0
        for frame in frames:
            for fault in list(faults):
                pos, kind = fault
                if deltas_sent >= pos or frame.terminal:
                    faults.remove(fault)
                    if kind == "cut":
                        if reply.cut_clean:
                            writer.write(http.LAST_CHUNK)
                            await writer.drain()
                            return False
                        raise _Cut
                    if kind == "stall":
                        await asyncio.sleep(reply.stall_s)
                    elif kind == "malformed":
                        writer.write(http.chunk(b'data: {"choices": [ this is not json\n\n'))
                    elif kind == "odd":
                        writer.write(http.chunk(b'data: {"choices": [{"delta": "odd"}]}\n\n'))
                    elif kind == "fail":
                        writer.write(http.chunk(failure.encode()) + http.LAST_CHUNK)
                        await writer.drain()
                        return True
            writer.write(http.chunk(frame.encode()))
            await writer.drain()
            if frame.is_delta:
                deltas_sent += 1
            if self.delay_per_chunk_s > 0:
                await asyncio.sleep(self.delay_per_chunk_s)
        writer.write(http.LAST_CHUNK)
        await writer.drain()
        return True


def _fmt_seconds(s: float) -> str:
    return str(int(s)) if float(s).is_integer() else str(s)


@contextlib.contextmanager
def serve_in_thread(host: str = "127.0.0.1", port: int = 0) -> Iterator[ScriptedServer]:
    """Run a ScriptedServer on its own event loop in a daemon thread (for synchronous tests,
    e.g. ones that run ``lha`` in a subprocess). ``enqueue`` and the attributes are safe to use
    from the test thread: they are plain deque/list/attribute operations."""
    server = ScriptedServer(host, port)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop: asyncio.Future[None] | None = None

    async def main() -> None:
        nonlocal stop
        stop = loop.create_future()
        async with server:
            ready.set()
            await stop

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("the scripted server did not start")
    try:
        yield server
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set_result, None)
        thread.join(10)
        loop.close()


async def _serve_forever(args: argparse.Namespace) -> None:
    server = ScriptedServer(args.host, args.port)
    if args.reply is not None:
        server.default_reply = Reply.text(args.reply, reasoning=args.reasoning)
    server.echo_reasoning = args.reasoning
    server.chat_only = args.chat_only
    server.delay_per_chunk_s = args.delay
    if args.models:
        server.models = args.models.split(",")
    async with server:
        print(f"scripted OpenAI-compatible server on {server.base_url}", flush=True)
        print(
            "  config.toml:\n"
            f'  [model_providers.scripted]\n  name = "Scripted"\n  base_url = "{server.base_url}"\n'
            '  wire_api = "chat"   # or "responses"',
            flush=True,
        )
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A scripted OpenAI-compatible model server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--reply", help="always answer this text (default: echo the user)")
    parser.add_argument("--reasoning", help="reasoning text to stream before the reply")
    parser.add_argument("--chat-only", action="store_true", help="404 on /v1/responses")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between chunks")
    parser.add_argument("--models", help="comma-separated model ids for GET /v1/models")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args))


if __name__ == "__main__":
    main()
