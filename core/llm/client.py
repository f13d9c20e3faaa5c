"""The streaming model client: one ``ModelRequest`` in, ``ResponseEvent``s out, retries inside.

    client = ModelClient(endpoint, api_key)
    async with contextlib.aclosing(client.stream(request)) as events:
        async for event in events:
            ...
    await client.aclose()

Failures end as typed ``LhaError``s with one-line messages (see ``errors_map``). Retries follow
docs/architecture.md, Retries: HTTP 5xx, 429 and transport failures before a response count against
``request_max_retries``; a stream that is cut, stalls for ``stream_idle_timeout_ms`` or fails
in-band with a transient code counts against ``stream_max_retries``. When a failed attempt had
already yielded output, ``Retrying`` is yielded before the request is sent again.

The API key lives only in the Authorization header of outgoing requests: it is never part of a
message, log record, exception or ``repr``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Protocol

import httpx
from httpx_sse import SSEError, aconnect_sse
from pydantic_core import to_json

from core import __version__
from core.errors import ProviderError
from core.llm import errors_map
from core.llm.providers.endpoint import RuntimeEndpoint
from core.llm.providers.endpoint_checks import env_header_values
from core.llm.request import ModelRequest
from core.llm.response_events import ResponseEvent, Retrying
from core.llm.retry import MAX_RETRY_AFTER_S, RetryPolicy
from core.text import one_line

log = logging.getLogger(__name__)

Budget = Literal["request", "stream"]


class _Parser(Protocol):
    done: bool

    def feed(self, event: str, data: str) -> list[ResponseEvent]: ...
    def finish(self) -> list[ResponseEvent]: ...
    def can_finish(self) -> bool: ...


@dataclass
class _AttemptFailed(Exception):
    """One attempt failed with ``error``; ``budget`` says which retry allowance it draws on."""

    error: ProviderError
    budget: Budget
    retry_after_s: float | None = None


class ModelStreamer(Protocol):
    """What a turn needs of a model client: ``ModelClient``, or ``LocalModelClient``, which
    streams through a ``ModelClient`` bound to the embedded server once that runs."""

    endpoint: RuntimeEndpoint

    def stream(self, request: ModelRequest) -> AsyncGenerator[ResponseEvent, None]: ...
    async def aclose(self) -> None: ...


def _json_bytes(body: dict[str, Any]) -> bytes:
    """The request body as compact UTF-8 JSON, as httpx's ``json=`` writes it, but encoded by
    pydantic-core: a 1,000-turn history (~0.5 MB) takes ~1 ms instead of ~10 ms. A NaN or an
    infinity (a tool schema's odd default), which JSON has no word for, is sent as null."""
    return to_json(body, inf_nan_mode="null")


def _timeout(endpoint: RuntimeEndpoint) -> httpx.Timeout:
    # httpx's read timeout bounds each socket read, which is exactly "no bytes for N ms".
    idle = endpoint.stream_idle_timeout_ms / 1000
    return httpx.Timeout(connect=min(30.0, idle), read=idle, write=30.0, pool=30.0)


class ModelClient:
    """Streams model responses from one endpoint over either wire API."""

    def __init__(
        self,
        endpoint: RuntimeEndpoint,
        api_key: str | None,
        http: httpx.AsyncClient | None = None,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._api_key = api_key or None
        self._owns_http = http is None
        self._http = http
        self._retry = retry if retry is not None else RetryPolicy()

    def __repr__(self) -> str:
        auth = "with key" if self._api_key else "no key"
        return f"ModelClient({self.endpoint.base_url!r}, {self.endpoint.wire_api}, {auth})"

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    def _client(self) -> httpx.AsyncClient:
        """The HTTP client, created on first use: building one loads the CA bundle (~60 ms),
        which start-up should not pay before a request is actually made. A plain-``http`` base
        URL (a local server) involves no TLS, so it skips TLS set-up altogether
        (``core.llm.plain_http``)."""
        if self._http is None:
            if self.endpoint.base_url.lower().startswith("http://"):
                from core.llm.plain_http import PlainHttpTransport

                self._http = httpx.AsyncClient(
                    timeout=_timeout(self.endpoint), transport=PlainHttpTransport()
                )
            else:
                self._http = httpx.AsyncClient(timeout=_timeout(self.endpoint))
        return self._http

    async def __aenter__(self) -> ModelClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- request pieces ---------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"User-Agent": f"lha/{__version__}"}
        headers.update(self.endpoint.http_headers or {})
        headers.update(env_header_values(self.endpoint.env_http_headers))
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        if not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json"  # as ``json=`` would set it
        return headers

    def _wire(self) -> tuple[str, Any]:
        """The route and the module of the endpoint's wire API (only that one is loaded)."""
        if self.endpoint.wire_api == "responses":
            from core.llm import wire_responses

            return wire_responses.ROUTE, wire_responses
        from core.llm import wire_chat

        return wire_chat.ROUTE, wire_chat

    def _new_parser(self) -> _Parser:
        if self.endpoint.wire_api == "responses":
            from core.llm.wire_responses import ResponsesParser

            return ResponsesParser(self.endpoint, self._api_key)
        from core.llm.wire_chat import ChatParser

        return ChatParser(self.endpoint, self._api_key)

    # -- streaming ------------------------------------------------------------------------

    async def stream(self, request: ModelRequest) -> AsyncGenerator[ResponseEvent, None]:
        """Send ``request`` and yield its events, retrying transient failures.

        Raises an ``LhaError`` (``ProviderError`` or a subclass) when the request cannot succeed.
        """
        route, wire = self._wire()
        body = _json_bytes(wire.build_body(request))
        url = self.endpoint.base_url.rstrip("/") + route
        retries: dict[Budget, int] = {"request": 0, "stream": 0}
        limits: dict[Budget, int] = {
            "request": self.endpoint.request_max_retries,
            "stream": self.endpoint.stream_max_retries,
        }
        while True:
            yielded = False
            failure: _AttemptFailed | None = None
            try:
                # aclosing: a consumer that stops early (interrupt) closes the HTTP response now,
                # not whenever the garbage collector finalises the generator.
                async with aclosing(self._attempt(url, route, body, request.model)) as events:
                    async for event in events:
                        yielded = True
                        yield event
                return
            except _AttemptFailed as exc:
                failure = exc
            err = failure.error
            total = retries["request"] + retries["stream"]
            wait_too_long = (
                failure.retry_after_s is not None and failure.retry_after_s > MAX_RETRY_AFTER_S
            )
            if not err.retryable or retries[failure.budget] >= limits[failure.budget]:
                raise _final(err, total) from err
            if wait_too_long:
                raise _final(err, total, f"the provider asks to wait {failure.retry_after_s:g} s")
            retries[failure.budget] += 1
            attempt = total + 1
            delay = self._retry.delay(retries[failure.budget], failure.retry_after_s)
            log.info("model request failed (%s); retry %d in %.3f s", err.message, attempt, delay)
            if yielded:
                yield Retrying(attempt=attempt, delay_s=delay, reason=err.message)
            await asyncio.sleep(delay)

    async def _attempt(
        self, url: str, route: str, body: bytes, model: str
    ) -> AsyncGenerator[ResponseEvent, None]:
        """One HTTP exchange. Every failure leaves as ``_AttemptFailed``."""
        parser = self._new_parser()
        got_response = False
        got_event = False
        content_type = ""
        try:
            async with aconnect_sse(
                self._client(),
                "POST",
                url,
                content=body,
                headers=self._headers(),
                params=self.endpoint.query_params or None,
                timeout=_timeout(self.endpoint),
            ) as source:
                response = source.response
                if response.status_code >= 300:
                    raw = await response.aread()
                    err = errors_map.status_error(
                        self.endpoint,
                        route,
                        response.status_code,
                        raw,
                        api_key=self._api_key,
                        model=model,
                    )
                    after = None
                    if response.status_code in (429, 503):
                        after = errors_map.retry_after_s(response.headers)
                    raise _AttemptFailed(err, "request", after)
                got_response = True
                content_type = response.headers.get("content-type", "none")
                async for sse in source.aiter_sse():
                    got_event = True
                    if not sse.data:
                        continue
                    for event in parser.feed(sse.event, sse.data):
                        yield event
                    if parser.done:
                        break
        except SSEError:
            raise _AttemptFailed(
                ProviderError(
                    f"{self.endpoint.base_url.rstrip('/')}{route} answered with content-type "
                    f"{one_line(content_type, 60)} instead of an event stream; "
                    "check base_url"
                ),
                "request",
            ) from None
        except ProviderError as exc:  # malformed event, in-band failure
            raise _AttemptFailed(exc, "stream") from exc
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ReadTimeout):
                raise _AttemptFailed(errors_map.stream_stalled(self.endpoint), "stream") from exc
            raise _AttemptFailed(errors_map.connect_error(self.endpoint, exc), "request") from exc
        except httpx.TransportError as exc:
            if not got_response:
                raise _AttemptFailed(
                    errors_map.connect_error(self.endpoint, exc), "request"
                ) from exc
            if not parser.can_finish():
                cut = errors_map.stream_cut(self.endpoint, "the connection closed mid-answer")
                raise _AttemptFailed(cut, "stream") from exc
            # else: the answer was complete; only the tail (usage, [DONE]) was lost.
        if got_response and not got_event:
            raise _AttemptFailed(errors_map.empty_body(self.endpoint, route), "stream")
        try:
            events = parser.finish()  # the end of the body: complete, or a cut stream
        except ProviderError as exc:
            raise _AttemptFailed(exc, "stream") from exc
        for event in events:
            yield event


def _final(err: ProviderError, retries: int, extra: str | None = None) -> ProviderError:
    """The error to raise: same type, not retryable, the retry count in the message."""
    message = err.message
    if extra:
        message += f"; {extra}"
    if retries:
        message += f" (after {retries} {'retry' if retries == 1 else 'retries'})"
    return type(err)(message, status=err.status, retryable=False)


def new_model_client(endpoint: RuntimeEndpoint, api_key: str | None) -> ModelStreamer:
    """The client for ``endpoint``: an embedded provider gets the one that starts its server."""
    if endpoint.embedded:
        from core.llm.local.client import LocalModelClient

        return LocalModelClient(endpoint)
    return ModelClient(endpoint, api_key)
