"""Turn HTTP statuses and transport failures into LhaErrors a user can act on.

Each message is one line that says what happened and what to do next. Text that came from the
server is shortened and scrubbed of anything that looks like an API key (some providers echo a
masked key in their 401 bodies; a misconfigured proxy may echo the whole header).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx

from core.errors import ProviderError, ProviderUnreachable, StreamError, UnauthorizedError
from core.llm.providers.endpoint import RuntimeEndpoint
from core.secrets import redact_secrets
from core.text import one_line

MAX_SERVER_TEXT = 200
_RETRYABLE_STREAM_CODES = frozenset(
    {"server_error", "rate_limit_exceeded", "server_is_overloaded", "slow_down", "overloaded"}
)


def scrub(text: str, api_key: str | None) -> str:
    """Remove the key (and anything key-shaped) from server-provided text."""
    return redact_secrets(text, (api_key,))


def server_message(body: str | bytes, api_key: str | None) -> str:
    """The human part of an error body: ``error.message`` of an OpenAI-style JSON body, else
    ``message``/``detail``/a string ``error``, else the raw text; one line, scrubbed."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    message = text
    try:
        obj = json.loads(text)
    except ValueError:
        obj = None
    if isinstance(obj, dict):
        err = obj.get("error")
        if isinstance(err, dict) and err.get("message"):
            message = str(err["message"])
        elif isinstance(err, str) and err:
            message = err
        elif obj.get("message"):
            message = str(obj["message"])
        elif obj.get("detail"):
            message = str(obj["detail"])
    return one_line(scrub(message, api_key), MAX_SERVER_TEXT)


def error_code(body: str | bytes) -> str | None:
    try:
        obj = json.loads(body)
    except ValueError:
        return None
    err = obj.get("error") if isinstance(obj, dict) else None
    if isinstance(err, dict):
        code = err.get("code") or err.get("type")
        return str(code) if code is not None else None
    return None


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` or ``Retry-After`` seconds)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            return None  # an HTTP date: rare for APIs; fall back to our own backoff
    return None


def key_hint(endpoint: RuntimeEndpoint) -> str:
    """Where the user should look to fix a rejected key."""
    if endpoint.env_key and endpoint.requires_auth:
        return f"check {endpoint.env_key} (or run `lha login --with-api-key`)"
    if endpoint.env_key:
        return f"check the environment variable {endpoint.env_key}"
    if endpoint.requires_auth:
        return "run `lha login --with-api-key` with a valid key"
    return "set env_key for this provider in config.toml to the variable holding its key"


def status_error(
    endpoint: RuntimeEndpoint,
    route: str,
    status: int,
    body: bytes,
    *,
    api_key: str | None,
    model: str,
) -> ProviderError:
    """The error for a non-2xx answer to the model POST; ``retryable`` for 429 and 5xx."""
    base = endpoint.base_url.rstrip("/")
    msg = server_message(body, api_key) if body else ""
    detail = f": {msg}" if msg else ""
    if status in (401, 403):
        if api_key is None:
            return UnauthorizedError(
                f"{base} requires an API key (HTTP {status}); {key_hint(endpoint)}", status=status
            )
        return UnauthorizedError(
            f"the provider rejected the API key (HTTP {status}); {key_hint(endpoint)}",
            status=status,
        )
    if status == 404:
        code = error_code(body) or ""
        if "model" in code or (model and model in msg):
            return ProviderError(
                f"{base} does not know the model '{model}'{detail}; pick another with -m or /model",
                status=status,
            )
        other = "chat" if endpoint.wire_api == "responses" else "responses"
        return ProviderError(
            f"{base} does not speak wire_api '{endpoint.wire_api}' (HTTP 404 on {route}); "
            f'set wire_api = "{other}" for this provider (or check base_url)',
            status=status,
        )
    if status == 429:
        return ProviderError(
            f"{base} is rate limiting requests (HTTP 429){detail}; wait a moment and try again",
            status=status,
            retryable=True,
        )
    if status >= 500:
        return ProviderError(
            f"{base} failed with HTTP {status}{detail}", status=status, retryable=True
        )
    return ProviderError(f"{base} rejected the request (HTTP {status}){detail}", status=status)


def _refused(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ConnectionRefusedError) or "connection refused" in str(cur).lower():
            return True
        if isinstance(cur, OSError) and cur.errno in (61, 111, 10061):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def connect_error(endpoint: RuntimeEndpoint, exc: httpx.TransportError) -> ProviderError:
    """A failure before any response arrived: retryable (the server may be starting up), unless
    the request itself cannot be sent (a URL scheme httpx does not speak, an illegal header)."""
    base = endpoint.base_url.rstrip("/")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        reason = one_line(str(exc) or type(exc).__name__, 120)
        return ProviderError(
            f"cannot send the request to {base}: {reason}; check base_url (http:// or https://) "
            "and http_headers"
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return ProviderUnreachable(
            f"cannot reach {base}: connection timed out; check base_url and your network",
            retryable=True,
        )
    if isinstance(exc, httpx.ConnectError):
        if _refused(exc):
            return ProviderUnreachable(
                f"cannot reach {base}: connection refused; is the server running?",
                retryable=True,
            )
        reason = one_line(str(exc) or type(exc).__name__, 120)
        return ProviderUnreachable(
            f"cannot reach {base}: {reason}; check base_url and your network", retryable=True
        )
    reason = one_line(str(exc) or type(exc).__name__, 120)
    return ProviderError(
        f"the connection to {base} failed before a response: {reason}", retryable=True
    )


def empty_body(endpoint: RuntimeEndpoint, route: str) -> ProviderError:
    """A success status with nothing in the body: servers do this for a request they cannot
    serve (llama.cpp for a context overflow or an unsupported ``tool_choice``), so the same
    request would fail again."""
    return ProviderError(
        f"{endpoint.base_url.rstrip('/')}{route} answered with an empty body (no events); the "
        "server could not serve this request (too long for its context, or an unsupported "
        "option): check its log"
    )


def stream_cut(endpoint: RuntimeEndpoint, why: str) -> StreamError:
    return StreamError(
        f"the stream from {endpoint.base_url.rstrip('/')} ended early ({why})", retryable=True
    )


def stream_stalled(endpoint: RuntimeEndpoint) -> StreamError:
    secs = endpoint.stream_idle_timeout_ms / 1000
    return StreamError(
        f"the stream from {endpoint.base_url.rstrip('/')} stalled: no data for {secs:g} s "
        "(raise stream_idle_timeout_ms for slow local models)",
        retryable=True,
    )


def malformed(snippet: str) -> StreamError:
    return StreamError(f"the provider sent a malformed stream event: {one_line(snippet, 80)}")


def in_stream_failure(code: str | None, message: str, api_key: str | None) -> ProviderError:
    """``response.failed`` / an ``error`` event / a chat ``error`` chunk."""
    text = one_line(scrub(message or "no details", api_key), MAX_SERVER_TEXT)
    retryable = (code or "") in _RETRYABLE_STREAM_CODES
    label = f" ({code})" if code else ""
    return ProviderError(f"the model failed mid-answer{label}: {text}", retryable=retryable)
