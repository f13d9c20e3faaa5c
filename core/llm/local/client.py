"""``LocalModelClient``: the model client of the embedded provider.

It streams through a plain ``ModelClient`` (it has one, it is not one) and adds three things,
each forced by llama.cpp's server:

- the address is only known once the shared server runs, so every request first awaits
  ``LocalServer.ensure_ready()`` (the first one starts the server) and streams through the
  ``ModelClient`` bound to that address, always over Chat Completions;
- the server computes one request at a time, so requests queue on the server's request slot in
  lha instead of failing or timing out inside the server;
- streams carry no usage, so ``Completed.usage`` is *estimated* when missing: output tokens are
  the number of streamed deltas (the server sends one token per chunk) and input tokens are the
  request's characters divided by four. Close enough for a context meter; never billed.
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing

from core.errors import ProviderError
from core.llm.client import ModelClient
from core.llm.local.availability import LocalModelError
from core.llm.local.server import LocalServer, ServerSpec, llama_server_spec, shared_server
from core.llm.providers.endpoint import RuntimeEndpoint
from core.llm.request import ModelRequest
from core.llm.response_events import Completed, ReasoningDelta, ResponseEvent, Retrying, TextDelta
from core.llm.wire_chat import build_body
from core.protocol.events import TokenUsage
from core.protocol.items import MessageItem

CHARS_PER_TOKEN = 4
PRIME_TIMEOUT_S = 30.0


def estimate_input_tokens(request: ModelRequest) -> int:
    """A rough prompt size: characters of instructions and transcript over four."""
    chars = len(request.instructions)
    for item in request.input:
        chars += len(item.text() if isinstance(item, MessageItem) else item.model_dump_json())
    return math.ceil(chars / CHARS_PER_TOKEN)


class LocalModelClient:
    """Streams from the process's shared local server, starting it on first use (a
    ``ModelStreamer``, like ``ModelClient``). The server needs no key."""

    def __init__(
        self,
        endpoint: RuntimeEndpoint,
        *,
        spec_factory: Callable[[], ServerSpec] = llama_server_spec,
    ) -> None:
        self.endpoint = endpoint
        self._spec_factory = spec_factory
        self._server: LocalServer | None = None
        self._bound: ModelClient | None = None

    def __repr__(self) -> str:
        return f"LocalModelClient({self.endpoint.name!r})"

    def server(self) -> LocalServer:
        """The shared server this client uses (resolving the spec raises if the extra is
        missing)."""
        if self._server is None:
            self._server = shared_server(self._spec_factory())
        return self._server

    async def bound_client(self) -> ModelClient:
        """The plain client bound to the running server's address (starting it if needed); a
        new one when the server came back on another port."""
        base_url = await self.server().ensure_ready()
        bound = self._bound
        if bound is None or bound.endpoint.base_url != base_url:
            if bound is not None:
                await bound.aclose()
            endpoint = self.endpoint.model_copy(
                update={"base_url": base_url, "wire_api": "chat", "embedded": False}
            )
            bound = self._bound = ModelClient(endpoint, None)
        return bound

    async def stream(self, request: ModelRequest) -> AsyncGenerator[ResponseEvent, None]:
        server = self.server()
        async with server.request_slot():
            bound = await self.bound_client()
            deltas = 0
            try:
                async with aclosing(bound.stream(request)) as events:
                    async for event in events:
                        if isinstance(event, TextDelta | ReasoningDelta):
                            deltas += 1
                        elif isinstance(event, Retrying):
                            deltas = 0
                        elif isinstance(event, Completed) and event.usage is None:
                            event = Completed(
                                event.response_id,
                                _estimated_usage(request, deltas),
                                event.finish_reason,
                            )
                        yield event
            except ProviderError as err:
                if server.pid is None:  # it crashed or was killed: say so, not "unreachable"
                    raise LocalModelError(
                        f"the local model server stopped during the request ({err}); "
                        "it starts again with the next message"
                    ) from None
                raise

    async def aclose(self) -> None:
        """Close the bound HTTP client; the shared server stays up for other threads."""
        if self._bound is not None:
            await self._bound.aclose()
            self._bound = None


def _estimated_usage(request: ModelRequest, output_tokens: int) -> TokenUsage:
    input_tokens = estimate_input_tokens(request)
    return TokenUsage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
    )


async def warm_up(
    endpoint: RuntimeEndpoint,
    spec_factory: Callable[[], ServerSpec] = llama_server_spec,
    *,
    prime: ModelRequest | None = None,
) -> bool:
    """Start the embedded server before the first message, so that message does not wait for
    the model to load (about 1 s). For a front end to call after its first frame; a no-op for
    other providers. Failures are not raised: the first request reports them in context.

    ``prime`` is the part every first request starts with (instructions and tools): evaluated
    once now, the server keeps it cached and the user's first turn only pays for its own
    tokens (on 2 cores, first characters after 0.19 s instead of 0.92 s).
    Returns whether the server is ready."""
    if not endpoint.embedded:
        return False
    server = shared_server(spec_factory())
    try:
        base_url = await server.ensure_ready()
    except LocalModelError:
        return False
    if prime is not None:
        await _prime_prompt_cache(server, base_url, prime)
    return True


async def _prime_prompt_cache(server: LocalServer, base_url: str, request: ModelRequest) -> None:
    """One request for one token of ``request``'s prompt; nothing is reported if it fails (the
    real first request then pays the full prompt, as it would have anyway)."""
    import httpx

    body = {**build_body(request), "stream": False, "max_tokens": 1}
    body.pop("stream_options", None)
    async with server.request_slot():
        try:
            async with httpx.AsyncClient(timeout=PRIME_TIMEOUT_S) as client:
                await client.post(f"{base_url}/chat/completions", json=body)
        except httpx.HTTPError:
            return
