"""A thread that lha left mid-tool (killed) resumes and forks with every call answered.

Providers refuse a request holding a call without its output, so such a thread could never be
continued. The made-up outputs are appended to the rollout; earlier lines never change.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from core.agent.tool_call_pairing import STOPPED_BEFORE_TOOL_FINISHED
from tests.support.agent_harness import completed, make_harness, run_turn
from tests.support.rollout_factory import turn_items, unanswered_call_items, write_rollout
from tests.support.scripted_server import Reply, ScriptedServer

CALLS = ["call_a", "call_b"]


def assert_every_call_answered_in_place(body: Any) -> None:
    """Each call is followed, right after its run of calls, by its output (both wire APIs)."""
    if "messages" in body:
        messages = body["messages"]
        for n, message in enumerate(messages):
            ids = [c["id"] for c in message.get("tool_calls") or []]
            after = messages[n + 1 : n + 1 + len(ids)]
            assert [(m["role"], m.get("tool_call_id")) for m in after] == [
                ("tool", i) for i in ids
            ], messages
        return
    items = body["input"]
    n = 0
    while n < len(items):
        run = []
        while n < len(items) and items[n].get("type") == "function_call":
            run.append(items[n]["call_id"])
            n += 1
        outputs = items[n : n + len(run)]
        assert [(o.get("type"), o.get("call_id")) for o in outputs] == [
            ("function_call_output", i) for i in run
        ], items
        n += max(len(run), 1)


def _sent_calls(body: Any) -> list[str]:
    if "messages" in body:
        return [c["id"] for m in body["messages"] for c in m.get("tool_calls") or []]
    return [i["call_id"] for i in body["input"] if i.get("type") == "function_call"]


def _killed_mid_tool(home: Path, work: Path, *, later_turns: int = 0) -> Path:
    """A rollout as lha leaves it when killed while two shell calls ran (then, optionally,
    continued by a version of lha that did not close them)."""
    tail = unanswered_call_items(str(work), "gpt-test", CALLS)
    rng = random.Random(3)
    for n in range(later_turns):
        tail += turn_items(rng, 10 + n, str(work), "gpt-test")
    return write_rollout(home, work, 2, model="gpt-test", tail=tail)


@pytest.mark.parametrize("wire_api", ["chat", "responses"])
async def test_resume_answers_the_calls_lha_never_finished(
    tmp_path: Path, scripted_server: ScriptedServer, wire_api: str
) -> None:
    h = make_harness(tmp_path, scripted_server, wire_api)  # type: ignore[arg-type]
    path = _killed_mid_tool(h.home, tmp_path / "work")
    before = path.read_bytes()

    resumed = await h.manager.resume_thread_from_rollout(h.config, path, h.manager.auth_manager())
    scripted_server.enqueue(Reply.text("carrying on"))
    completed(await run_turn(resumed.thread, "go on"))
    body = scripted_server.last_body()
    assert _sent_calls(body) == CALLS
    assert_every_call_answered_in_place(body)
    assert STOPPED_BEFORE_TOOL_FINISHED in str(body)
    await h.manager.remove_and_close_all_threads()

    after = path.read_bytes()
    assert after.startswith(before), "earlier lines are never rewritten"
    assert after.count(STOPPED_BEFORE_TOOL_FINISHED.encode()) == len(CALLS)


async def test_a_second_resume_moves_the_appended_outputs_back_to_their_calls(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """The outputs were appended after the first resume's messages; the chat API wants them
    right after the calls, and they are not made up twice."""
    h = make_harness(tmp_path, scripted_server)
    path = _killed_mid_tool(h.home, tmp_path / "work")
    for question in ("go on", "and then?"):
        resumed = await h.manager.resume_thread_from_rollout(
            h.config, path, h.manager.auth_manager()
        )
        scripted_server.enqueue(Reply.text(f"answer to {question}"))
        completed(await run_turn(resumed.thread, question))
        assert_every_call_answered_in_place(scripted_server.last_body())
        await h.manager.remove_and_close_all_threads()
    assert path.read_bytes().count(STOPPED_BEFORE_TOOL_FINISHED.encode()) == len(CALLS)


async def test_a_fork_through_the_unfinished_calls_answers_them_in_its_own_file(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    source = _killed_mid_tool(h.home, tmp_path / "work", later_turns=2)
    before = source.read_bytes()

    forked = await h.manager.fork_thread(4, h.config, source)  # keeps the cut turn and one more
    scripted_server.enqueue(Reply.text("forked answer"))
    completed(await run_turn(forked.thread, "another way"))
    body = scripted_server.last_body()
    assert _sent_calls(body) == CALLS
    assert_every_call_answered_in_place(body)
    fork_path = forked.thread.rollout_path
    await h.manager.remove_and_close_all_threads()

    assert source.read_bytes() == before, "the source of a fork is left alone"
    assert fork_path is not None
    assert fork_path.read_bytes().count(STOPPED_BEFORE_TOOL_FINISHED.encode()) == len(CALLS)
