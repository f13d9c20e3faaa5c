"""Edge cases of the two stream parsers that the scripted server does not produce by default."""

from __future__ import annotations

import json

import pytest

from core.errors import ProviderError, StreamError
from core.llm.providers.endpoint import RuntimeEndpoint
from core.llm.response_events import Completed, OutputItemDone, TextDelta
from core.llm.wire_chat import ChatParser
from core.llm.wire_responses import ResponsesParser
from core.protocol.items import MessageItem, ToolCallItem

EP = RuntimeEndpoint(name="t", base_url="http://127.0.0.1:9/v1")


def chunk(delta: dict[str, object], finish: str | None = None) -> str:
    return json.dumps(
        {"id": "c1", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    )


def test_chat_tool_calls_without_index_are_told_apart_by_id() -> None:
    p = ChatParser(EP, None)
    p.feed("", chunk({"tool_calls": [{"id": "a", "function": {"name": "f", "arguments": "{"}}]}))
    p.feed("", chunk({"tool_calls": [{"function": {"arguments": "}"}}]}))
    p.feed("", chunk({"tool_calls": [{"id": "b", "function": {"name": "g", "arguments": "[]"}}]}))
    p.feed("", chunk({}, "tool_calls"))
    events = p.finish()
    calls = [e.item for e in events if isinstance(e, OutputItemDone)]
    assert [
        (c.call_id, c.tool_name, c.payload.arguments) for c in calls if isinstance(c, ToolCallItem)
    ] == [
        ("a", "f", "{}"),
        ("b", "g", "[]"),
    ]


def test_chat_tool_call_without_id_or_arguments_gets_defaults() -> None:
    p = ChatParser(EP, None)
    p.feed("", chunk({"tool_calls": [{"index": 0, "function": {"name": "f"}}]}, "tool_calls"))
    [done, completed] = p.finish()
    assert isinstance(done, OutputItemDone) and isinstance(done.item, ToolCallItem)
    assert (done.item.call_id, done.item.payload.arguments) == ("call_0", "{}")
    assert isinstance(completed, Completed) and completed.finish_reason == "tool_calls"


def test_chat_done_without_finish_reason_is_a_cut() -> None:
    p = ChatParser(EP, None)
    assert p.feed("", chunk({"content": "hi"})) == [TextDelta("hi")]
    p.feed("", "[DONE]")
    assert p.done
    with pytest.raises(StreamError, match="without a finish_reason") as info:
        p.finish()
    assert info.value.retryable


def test_chat_error_chunk_is_a_provider_error() -> None:
    p = ChatParser(EP, "sk-abcdefghijkl")
    with pytest.raises(ProviderError, match="boom") as info:
        p.feed("", json.dumps({"error": {"message": "boom sk-abcdefghijkl", "code": 500}}))
    assert "sk-abcdefghijkl" not in info.value.message


def test_chat_usage_may_ride_on_the_finish_chunk() -> None:
    p = ChatParser(EP, None)
    data = json.loads(chunk({"content": "x"}, "length"))
    data["usage"] = {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
    p.feed("", json.dumps(data))
    completed = p.finish()[-1]
    assert isinstance(completed, Completed)
    assert completed.finish_reason == "length"
    assert completed.usage is not None and completed.usage.total_tokens == 4


@pytest.mark.parametrize("data", ["not json", "[1, 2]", '{"choices": 5}'])
def test_chat_malformed(data: str) -> None:
    with pytest.raises(StreamError, match="malformed stream event"):
        ChatParser(EP, None).feed("", data)


def test_responses_text_without_item_done_is_still_a_message() -> None:
    p = ResponsesParser(EP, None)
    p.feed("", json.dumps({"type": "response.created", "response": {"id": "r1"}}))
    p.feed("", json.dumps({"type": "response.output_text.delta", "delta": "hi"}))
    events = p.feed("", json.dumps({"type": "response.completed", "response": {}}))
    assert isinstance(events[0], OutputItemDone) and isinstance(events[0].item, MessageItem)
    assert events[0].item.text() == "hi"
    assert events[1] == Completed("r1", None, "stop")
    assert p.done and p.finish() == []


def test_responses_incomplete_maps_the_reason() -> None:
    p = ResponsesParser(EP, None)
    events = p.feed(
        "response.incomplete",
        json.dumps(
            {"response": {"id": "r", "incomplete_details": {"reason": "max_output_tokens"}}}
        ),
    )
    assert events == [Completed("r", None, "length")]


def test_responses_error_event_and_unknown_events() -> None:
    p = ResponsesParser(EP, None)
    assert p.feed("", json.dumps({"type": "response.web_search_call.in_progress"})) == []
    assert (
        p.feed("", json.dumps({"type": "response.output_item.done", "item": {"type": "x"}})) == []
    )
    with pytest.raises(ProviderError, match="rate_limit_exceeded") as info:
        p.feed("", json.dumps({"type": "error", "code": "rate_limit_exceeded", "message": "slow"}))
    assert info.value.retryable
    with pytest.raises(StreamError, match=r"no response\.completed"):
        ResponsesParser(EP, None).finish()
