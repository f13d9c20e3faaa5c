"""Faults the model client must survive or report clearly, injected by the scripted server."""

from __future__ import annotations

import socket
import time

import pytest

from core.errors import ProviderError, ProviderUnreachable, StreamError, UnauthorizedError
from core.llm.providers.endpoint import WireApi
from core.llm.response_events import Retrying
from tests.integration.llm_helpers import (
    KEY,
    WIRES,
    after_last_retry,
    collect,
    completed,
    failure,
    items,
    make_client,
    simple_request,
    text_of,
)
from tests.support.scripted_server import Reply, ScriptedServer

pytestmark = pytest.mark.parametrize("wire", WIRES)


def assert_one_line_without_key(message: str) -> None:
    assert "\n" not in message
    assert KEY not in message
    assert "VERYSECRET" not in message


async def test_500_then_success_is_retried_silently(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.error(500), Reply.error(502), Reply.text("fine"))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert not any(isinstance(e, Retrying) for e in events)  # nothing was yielded before
    assert text_of(events) == "fine"
    assert len(scripted_server.model_requests()) == 3


async def test_429_honours_retry_after(scripted_server: ScriptedServer, wire: WireApi) -> None:
    scripted_server.enqueue(Reply.error(429, retry_after=0.3), Reply.text("after the wait"))
    started = time.monotonic()
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert time.monotonic() - started >= 0.3  # the backoff alone would be ~1 ms
    assert text_of(events) == "after the wait"


async def test_429_with_retry_after_zero(scripted_server: ScriptedServer, wire: WireApi) -> None:
    scripted_server.enqueue(Reply.error(429, retry_after=0), Reply.text("ok"))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert text_of(events) == "ok"


async def test_cut_stream_yields_retrying_then_the_full_answer(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(
        Reply.text("partial answer that never ends", chunks=5, cut_after=2),
        Reply.text("complete answer", chunks=2),
    )
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    retries = [e for e in events if isinstance(e, Retrying)]
    assert len(retries) == 1
    assert retries[0].attempt == 1
    assert "ended early" in retries[0].reason
    kept = after_last_retry(events)
    assert text_of(kept) == "complete answer"
    assert [i.text() for i in items(kept)] == ["complete answer"]  # type: ignore[union-attr]
    completed(events)


async def test_clean_end_without_completion_is_a_cut(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.text("a b c", cut_after=1, cut_clean=True), Reply.text("ok"))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert sum(isinstance(e, Retrying) for e in events) == 1
    assert text_of(after_last_retry(events)) == "ok"


async def test_stalled_stream_times_out_and_is_retried(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.text("x y z", stall_after=1, stall_s=5), Reply.text("ok"))
    client = make_client(scripted_server.base_url, wire, stream_idle_timeout_ms=200)
    started = time.monotonic()
    events = await collect(client, simple_request())
    assert time.monotonic() - started < 3
    [retry] = [e for e in events if isinstance(e, Retrying)]
    assert "stalled" in retry.reason
    assert text_of(after_last_retry(events)) == "ok"


async def test_stalled_stream_gives_up_after_stream_retries(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.default_reply = Reply.text("x y", stall_after=0, stall_s=5)
    client = make_client(
        scripted_server.base_url, wire, stream_idle_timeout_ms=100, stream_max_retries=1
    )
    err, _ = await failure(client, simple_request())
    assert isinstance(err, StreamError)
    assert "stalled: no data for 0.1 s" in err.message
    assert err.message.endswith("(after 1 retry)")
    assert len(scripted_server.model_requests()) == 2


async def test_malformed_chunk_is_a_clear_stream_error(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.malformed("some text", after=1))
    err, _ = await failure(make_client(scripted_server.base_url, wire), simple_request())
    assert isinstance(err, StreamError)
    assert err.message.startswith("the provider sent a malformed stream event: ")
    assert "this is not json" in err.message
    assert_one_line_without_key(err.message)
    assert len(scripted_server.model_requests()) == 1  # not retried: it would happen again


async def test_in_stream_failure_is_reported(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(
        Reply.failed("context window exceeded", code="context_length_exceeded", after=1)
    )
    err, _ = await failure(make_client(scripted_server.base_url, wire), simple_request())
    assert isinstance(err, ProviderError)
    assert "context window exceeded" in err.message
    assert len(scripted_server.model_requests()) == 1


async def test_transient_in_stream_failure_is_retried(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.failed("overloaded", code="server_error", after=1))
    scripted_server.enqueue(Reply.text("ok"))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert sum(isinstance(e, Retrying) for e in events) == 1
    assert text_of(after_last_retry(events)) == "ok"


async def test_401_names_the_env_var_and_never_the_key(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.error(401, message=f"Incorrect API key provided: {KEY}"))
    client = make_client(scripted_server.base_url, wire, env_key="MY_PROVIDER_KEY")
    err, _ = await failure(client, simple_request())
    assert isinstance(err, UnauthorizedError)
    assert err.status == 401
    assert err.message == (
        "the provider rejected the API key (HTTP 401); "
        "check the environment variable MY_PROVIDER_KEY"
    )
    assert KEY not in repr(err) and KEY not in str(err.args)
    assert len(scripted_server.model_requests()) == 1  # never retried


async def test_401_without_a_key_says_how_to_configure_one(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.error(401))
    client = make_client(scripted_server.base_url, wire, api_key=None, requires_auth=True)
    err, _ = await failure(client, simple_request())
    assert isinstance(err, UnauthorizedError)
    assert "requires an API key (HTTP 401)" in err.message
    assert "lha login" in err.message


async def test_404_on_the_route_says_which_wire_api_to_set(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.error(404))
    err, _ = await failure(make_client(scripted_server.base_url, wire), simple_request())
    assert isinstance(err, ProviderError)
    route = "/responses" if wire == "responses" else "/chat/completions"
    other = "chat" if wire == "responses" else "responses"
    base = scripted_server.base_url
    assert err.message.startswith(
        f"{base} does not speak wire_api '{wire}' (HTTP 404 on {route}); "
        f'set wire_api = "{other}" for this provider'
    )


async def test_404_for_an_unknown_model_says_so(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(
        Reply.error(404, message="The model `gpt-test` does not exist", code="model_not_found")
    )
    err, _ = await failure(make_client(scripted_server.base_url, wire), simple_request())
    assert "does not know the model 'gpt-test'" in err.message


async def test_400_shows_the_servers_message_shortened(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    long = "Invalid 'input[3]': " + "x" * 500 + f" {KEY}\nsecond line"
    scripted_server.enqueue(Reply.error(400, message=long))
    err, _ = await failure(make_client(scripted_server.base_url, wire), simple_request())
    assert err.message.startswith(
        f"{scripted_server.base_url} rejected the request (HTTP 400): Invalid 'input[3]': xxx"
    )
    assert len(err.message) < 300
    assert_one_line_without_key(err.message)


async def test_connection_refused_is_retried_then_reported(wire: WireApi) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/v1"
    err, _ = await failure(make_client(base, wire, request_max_retries=2), simple_request())
    assert isinstance(err, ProviderUnreachable)
    assert err.message == (
        f"cannot reach {base}: connection refused; is the server running? (after 2 retries)"
    )


async def test_retries_exhausted_reports_the_last_error(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.default_reply = Reply.error(503, message="engine overloaded")
    client = make_client(scripted_server.base_url, wire, request_max_retries=3)
    err, _ = await failure(client, simple_request())
    assert isinstance(err, ProviderError)
    assert err.status == 503 and not err.retryable
    assert err.message == (
        f"{scripted_server.base_url} failed with HTTP 503: engine overloaded (after 3 retries)"
    )
    assert len(scripted_server.model_requests()) == 4


async def test_cuts_exhaust_the_stream_budget(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.default_reply = Reply.text("a b c d", cut_after=2)
    client = make_client(scripted_server.base_url, wire, stream_max_retries=2)
    err, seen = await failure(client, simple_request())
    assert isinstance(err, StreamError)
    assert err.message.endswith("(after 2 retries)")
    assert [e.attempt for e in seen if isinstance(e, Retrying)] == [1, 2]


async def test_a_huge_retry_after_is_not_waited_out(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.error(429, retry_after=3600))
    err, _ = await failure(make_client(scripted_server.base_url, wire), simple_request())
    assert "HTTP 429" in err.message
    assert "the provider asks to wait 3600 s" in err.message
