"""Every turn ends with an event, whatever goes wrong inside it, and the thread goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.protocol.events import ErrorEvent
from tests.support.agent_harness import (
    TEST_KEY,
    completed,
    make_harness,
    run_turn,
    types,
)
from tests.support.scripted_server import Reply, ScriptedServer, last_user_text


def _rollout_lines(path: Path) -> list[Any]:
    """Every line of the rollout, read as strict UTF-8 JSON (a bad line fails the test)."""
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


async def test_an_answer_no_client_expects_ends_the_turn_with_one_error_and_the_thread_goes_on(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(Reply.text("half an answer", odd_after=1), Reply.text("all fine"))

    events = await run_turn(new.thread, "first", within_s=5)
    errors = [e.msg for e in events if isinstance(e.msg, ErrorEvent)]
    assert types(events)[-1] == "error" and len(errors) == 1, types(events)
    assert "\n" not in errors[0].message and "Traceback" not in errors[0].message

    again = await run_turn(new.thread, "second", within_s=5)
    assert completed(again).last_agent_message == "all fine"
    path = new.thread.rollout_path
    assert path is not None
    await h.manager.remove_and_close_all_threads()
    said = [line["payload"].get("message") for line in _rollout_lines(path)]
    assert "first" in said and "second" in said and "all fine" in said


async def test_an_unexpected_exception_is_named_on_one_line_without_the_key(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """An endpoint that escaped the config checks (built in code): httpx refuses its URL deep
    inside the request with an exception lha does not map; the user still gets one line."""
    h = make_harness(tmp_path, scripted_server, requires_auth=True)
    broken = h.config.model_provider.model_copy(update={"base_url": "http://[::1/v1"})
    new = await h.manager.start_thread(h.config.model_copy(update={"model_provider": broken}))

    for _ in range(2):  # the thread answers every message; it never hangs
        events = await run_turn(new.thread, "hello", within_s=5)
        last = events[-1].msg
        assert isinstance(last, ErrorEvent), types(events)
        assert "InvalidURL" in last.message and "\n" not in last.message
        assert TEST_KEY not in last.message
    await h.manager.remove_and_close_all_threads()


async def test_a_prompt_with_bytes_that_are_not_utf8_is_sent_with_replacement_characters(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(Reply.text("ok"))

    events = await run_turn(new.thread, "caf\udce9 au lait")  # argv's form of b"caf\xe9"
    completed(events)
    warnings = [e.msg for e in events if e.msg.type == "warning"]
    assert any("not valid UTF-8" in w.message for w in warnings)  # type: ignore[union-attr]
    assert last_user_text(scripted_server.last_body()) == "caf\ufffd au lait"
    path = new.thread.rollout_path
    assert path is not None
    await h.manager.remove_and_close_all_threads()
    assert "caf\ufffd au lait" in json.dumps(_rollout_lines(path), ensure_ascii=False)
