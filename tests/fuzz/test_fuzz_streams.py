"""Fuzzing provider streams: whatever SSE the server sends (cut, shuffled, not JSON, wrong
shapes), the turn ends with an event: ``task_complete``, ``error`` or ``turn_aborted``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.loop_thread import LoopThread, loop_thread
from tests.support.agent_harness import make_harness, run_turn
from tests.support.replies import Reply
from tests.support.scripted_server import ScriptedServer, serve_in_thread
from tests.support.wire_frames import chat_frames, responses_frames

WIRE_APIS = ("chat", "responses")
_REPLY = Reply.tool_calls([("c1", "not_a_tool", '{"a": 1}')])
VALID_FRAMES = {
    "chat": [f.encode() for f in chat_frames(Reply.text("hello there"), "m", "r", True)]
    + [f.encode() for f in chat_frames(_REPLY, "m", "r2", True)],
    "responses": [f.encode() for f in responses_frames(Reply.text("hello there"), "m", "r")]
    + [f.encode() for f in responses_frames(_REPLY, "m", "r2")],
}
SHAPES: list[Any] = [
    {},
    [],
    None,
    {"choices": None},
    {"choices": [{"delta": {"content": 5}}]},
    {"choices": [{"delta": {"tool_calls": [{"index": "x"}]}}]},
    {"type": "response.output_text.delta"},
    {"type": "response.completed", "response": None},
    {"type": "response.output_item.done", "item": {"type": "function_call"}},
    {"error": {"message": "boom"}},
]


def _frame(data: bytes, event: bytes | None) -> bytes:
    head = b"event: " + event + b"\n" if event else b""
    return head + b"data: " + data + b"\n\n"


frames = st.one_of(
    st.builds(_frame, st.sampled_from([json.dumps(s).encode() for s in SHAPES]), st.none()),
    st.builds(_frame, st.binary(max_size=40), st.sampled_from([None, b"error", b"x"])),
    st.sampled_from([b"data: [DONE]\n\n", b": keep-alive\n\n", b"\n\n", b"data: {\n\n"]),
    st.binary(max_size=30),
)


def stream_for(wire_api: str) -> st.SearchStrategy[tuple[bytes, ...]]:
    valid = st.sampled_from(VALID_FRAMES[wire_api])
    return st.lists(valid | frames, max_size=12).map(tuple)


@pytest.fixture(scope="module")
def streams(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LoopThread, ScriptedServer, dict[str, Any]]]:
    with serve_in_thread() as server, loop_thread() as runner:
        threads: dict[str, Any] = {}
        managers = []
        for wire_api in WIRE_APIS:
            harness = make_harness(
                tmp_path_factory.mktemp(wire_api),
                server,
                wire_api,  # type: ignore[arg-type]
                request_max_retries=0,
                stream_max_retries=0,
                stream_idle_timeout_ms=1_000,
            )

            async def start(h: Any = harness) -> Any:
                return await h.manager.start_thread_with_tools(h.config, [])

            threads[wire_api] = runner.run(start()).thread
            managers.append(harness.manager)
        yield runner, server, threads
        for manager in managers:
            runner.run(manager.remove_and_close_all_threads())


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_stream_ends_the_turn_with_an_event(
    streams: tuple[LoopThread, ScriptedServer, dict[str, Any]], data: st.DataObject
) -> None:
    runner, server, threads = streams
    wire_api = data.draw(st.sampled_from(WIRE_APIS))
    chunks = data.draw(stream_for(wire_api))
    # The model may ask for a tool: its follow-up request gets a plain answer.
    server.enqueue(Reply(raw_sse=chunks), Reply.text("done"), Reply.text("done"))
    try:
        events = runner.run(run_turn(threads[wire_api], "go", within_s=20))
    finally:
        server._queue.clear()
    assert events[-1].msg.type in ("task_complete", "error", "turn_aborted")
