"""Every provider fault ends in a retry that succeeds or one clear error, and the thread goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.protocol.events import ErrorEvent
from tests.support.agent_harness import completed, make_harness, run_turn, types
from tests.support.scripted_server import Reply, ScriptedServer

RECOVERABLE = {
    "500": Reply.error(500),
    "429 retry-after": Reply.error(429, retry_after=0),
    "cut mid-way": Reply.text("partial words here", cut_after=2),
    "stalled": Reply.text("stalls here", stall_after=1, stall_s=10),
}


@pytest.mark.parametrize("wire_api", ["chat", "responses"])
@pytest.mark.parametrize("fault", sorted(RECOVERABLE))
async def test_transient_fault_is_retried(
    tmp_path: Path, scripted_server: ScriptedServer, wire_api: str, fault: str
) -> None:
    h = make_harness(tmp_path, scripted_server, wire_api, stream_idle_timeout_ms=300)  # type: ignore[arg-type]
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(RECOVERABLE[fault], Reply.text("recovered fine"))
    events = await run_turn(new.thread, "hello")
    assert completed(events).last_agent_message == "recovered fine"
    messages = [e.msg.message for e in events if e.msg.type == "agent_message"]  # type: ignore[union-attr]
    assert messages == ["recovered fine"], "a failed attempt's partial text is never recorded"
    await h.manager.remove_and_close_all_threads()


@pytest.mark.parametrize(
    ("reply", "needle"),
    [
        (Reply.error(401), "API key"),
        (Reply.error(400, message="bad things"), "bad things"),
        (Reply.malformed(), "malformed"),
    ],
)
async def test_fatal_fault_is_one_clear_error_and_the_thread_goes_on(
    tmp_path: Path, scripted_server: ScriptedServer, reply: Reply, needle: str
) -> None:
    h = make_harness(tmp_path, scripted_server, "chat", stream_max_retries=0)
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(reply)
    events = await run_turn(new.thread, "hello")
    error = events[-1].msg
    assert isinstance(error, ErrorEvent), types(events)
    assert needle.lower() in error.message.lower()
    assert "\n" not in error.message and "Traceback" not in error.message
    scripted_server.enqueue(Reply.text("works again"))
    after = await run_turn(new.thread, "again")
    assert completed(after).last_agent_message == "works again"
    await h.manager.remove_and_close_all_threads()


async def test_unreachable_provider_is_a_clear_error(tmp_path: Path) -> None:
    from tests.support.scripted_server import ScriptedServer as Server

    async with Server() as server:
        h = make_harness(tmp_path, server, "chat", request_max_retries=1)
    new = await h.manager.start_thread(h.config)
    events = await run_turn(new.thread, "anyone there?")
    error = events[-1].msg
    assert isinstance(error, ErrorEvent)
    assert "cannot reach" in error.message and "127.0.0.1" in error.message
    await h.manager.remove_and_close_all_threads()


async def test_missing_key_names_the_variable(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LHA_TEST_KEY_VAR", raising=False)
    h = make_harness(tmp_path, scripted_server, "chat", env_key="LHA_TEST_KEY_VAR", saved_key=None)
    new = await h.manager.start_thread(h.config)
    events = await run_turn(new.thread, "hello")
    error = events[-1].msg
    assert isinstance(error, ErrorEvent) and "LHA_TEST_KEY_VAR" in error.message
    assert scripted_server.model_requests() == []
    await h.manager.remove_and_close_all_threads()
