"""The model client streaming real SSE from the scripted server, on both wire APIs."""

from __future__ import annotations

import json

import pytest

from core.llm.providers.endpoint import WireApi
from core.llm.response_events import OutputItemDone, ReasoningDelta, TextDelta
from core.protocol.items import MessageItem, ReasoningItem, ToolCallItem
from tests.integration.llm_helpers import (
    SHELL,
    WIRES,
    collect,
    completed,
    items,
    make_client,
    reasoning_of,
    simple_request,
    text_of,
)
from tests.support.scripted_server import Reply, ScriptedServer

pytestmark = pytest.mark.parametrize("wire", WIRES)


async def test_text_is_streamed_in_deltas_then_one_message(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.text("Hello world", chunks=3))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert deltas == ["Hell", "o wo", "rld"]
    [msg] = items(events)
    assert isinstance(msg, MessageItem)
    assert (msg.role, msg.text(), msg.content[0].type) == (
        "assistant",
        "Hello world",
        "output_text",
    )
    done = completed(events)
    assert done.finish_reason == "stop"
    assert done.response_id


async def test_reasoning_deltas_come_first_and_become_an_item(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    scripted_server.enqueue(Reply.text("answer", reasoning="let me think", reasoning_chunks=2))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert isinstance(events[0], ReasoningDelta)
    assert reasoning_of(events) == "let me think"
    assert text_of(events) == "answer"
    assert [i.type for i in items(events)] == ["reasoning", "message"]
    reasoning = items(events)[0]
    assert isinstance(reasoning, ReasoningItem)
    assert reasoning.summary[0].text == "let me think"


async def test_several_tool_calls_with_streamed_argument_fragments(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    calls = [
        ("call_1", "shell", '{"command": ["ls", "-la"]}'),
        ("call_2", "shell", '{"command": ["cat", "README.md"]}'),
        ("call_3", "read_file", '{"path": "a/b.txt"}'),
    ]
    scripted_server.enqueue(Reply.tool_calls(calls, text="Let me look.", arg_chunks=4))
    request = simple_request(tools=[SHELL])
    events = await collect(make_client(scripted_server.base_url, wire), request)
    out = items(events)
    assert isinstance(out[0], MessageItem) and out[0].text() == "Let me look."
    tool_items = [i for i in out if isinstance(i, ToolCallItem)]
    got = [(i.call_id, i.tool_name, i.payload.arguments) for i in tool_items]
    assert got == calls
    for i in tool_items:
        json.loads(i.payload.arguments)
    assert completed(events).finish_reason == "tool_calls"


async def test_usage_is_reported(scripted_server: ScriptedServer, wire: WireApi) -> None:
    scripted_server.enqueue(Reply.text("ok", usage=(120, 30, 100, 7)))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    usage = completed(events).usage
    assert usage is not None
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (120, 30, 150)
    assert (usage.cached_input_tokens, usage.reasoning_output_tokens) == (100, 7)


async def test_missing_usage_gives_none(scripted_server: ScriptedServer, wire: WireApi) -> None:
    scripted_server.enqueue(Reply.text("ok", usage=None))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert completed(events).usage is None
    assert text_of(events) == "ok"


async def test_many_deltas_arrive_in_order(scripted_server: ScriptedServer, wire: WireApi) -> None:
    deltas = [f"w{i} " for i in range(2000)]
    scripted_server.enqueue(Reply.deltas(deltas))
    events = await collect(make_client(scripted_server.base_url, wire), simple_request())
    assert [e.text for e in events if isinstance(e, TextDelta)] == deltas
    assert sum(isinstance(e, OutputItemDone) for e in events) == 1


async def test_default_reply_echoes_the_last_user_text(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    events = await collect(make_client(scripted_server.base_url, wire), simple_request("ping pong"))
    assert text_of(events) == "echo: ping pong"
