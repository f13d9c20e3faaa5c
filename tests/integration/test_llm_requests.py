"""What the model client sends: routes, headers, query parameters and mapped request bodies."""

from __future__ import annotations

from typing import Any

import pytest

from core.llm.providers.endpoint import WireApi
from core.llm.request import ModelRequest
from core.protocol.items import (
    InputImage,
    InputText,
    MessageItem,
    ReasoningItem,
    SummaryText,
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptItem,
    assistant_message,
    developer_message,
    user_message,
)
from core.protocol.tool_payload import JsonArguments
from tests.integration.llm_helpers import KEY, SHELL, WIRES, collect, make_client, text_of
from tests.support.scripted_server import Reply, ScriptedServer

HISTORY: list[TranscriptItem] = [
    developer_message("<permissions>be careful</permissions>"),
    user_message("list the files"),
    ReasoningItem(id="rs_9", summary=[SummaryText(text="plan")], encrypted_content="ENC"),
    ReasoningItem(id="rs_10", summary=[SummaryText(text="no blob")]),
    assistant_message("Sure."),
    ToolCallItem(
        call_id="call_a", tool_name="shell", payload=JsonArguments(arguments='{"command":["ls"]}')
    ),
    ToolCallItem(
        call_id="call_b", tool_name="shell", payload=JsonArguments(arguments='{"command":["pwd"]}')
    ),
    ToolCallOutputItem(call_id="call_a", output="a.txt\nb.txt"),
    ToolCallOutputItem(call_id="call_b", output="/work"),
    ToolCallItem(call_id="call_c", tool_name="shell", payload=JsonArguments(arguments="{}")),
    ToolCallOutputItem(call_id="call_c", output="done"),
    MessageItem(
        role="user",
        content=[InputText(text="and this?"), InputImage(image_url="data:image/png;base64,AAA")],
    ),
]


def request(**kw: object) -> ModelRequest:
    fields: dict[str, Any] = {"instructions": "You are lha.", "input": HISTORY, **kw}
    return ModelRequest(model="gpt-test", **fields)


@pytest.mark.parametrize("wire", WIRES)
async def test_headers_and_query_params_are_sent(
    scripted_server: ScriptedServer, wire: WireApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LHA_TEST_ORG", "org-42")
    monkeypatch.setenv("LHA_TEST_BLANK", "   ")
    monkeypatch.delenv("LHA_TEST_UNSET", raising=False)
    client = make_client(
        scripted_server.base_url,
        wire,
        http_headers={"X-Static": "yes"},
        env_http_headers={
            "OpenAI-Organization": "LHA_TEST_ORG",
            "X-Blank": "LHA_TEST_BLANK",
            "X-Unset": "LHA_TEST_UNSET",
        },
        query_params={"api-version": "2025-01-01"},
    )
    await collect(client, request())
    [req] = scripted_server.model_requests()
    route = "/v1/responses" if wire == "responses" else "/v1/chat/completions"
    assert (req.method, req.path, req.query) == ("POST", route, {"api-version": "2025-01-01"})
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["x-static"] == "yes"
    assert req.headers["openai-organization"] == "org-42"
    assert "x-blank" not in req.headers and "x-unset" not in req.headers
    assert req.headers["accept"] == "text/event-stream"
    assert req.body["stream"] is True
    assert req.body["model"] == "gpt-test"


@pytest.mark.parametrize("wire", WIRES)
async def test_no_authorization_header_without_a_key(
    scripted_server: ScriptedServer, wire: WireApi
) -> None:
    await collect(make_client(scripted_server.base_url, wire, api_key=None), request())
    assert "authorization" not in scripted_server.model_requests()[0].headers


async def test_chat_body_maps_the_transcript(scripted_server: ScriptedServer) -> None:
    await collect(
        make_client(scripted_server.base_url, "chat"),
        request(tools=[SHELL], effort="high", parallel_tool_calls=False),
    )
    body = scripted_server.last_body()
    assert body["stream_options"] == {"include_usage": True}
    assert body["reasoning_effort"] == "high"
    assert body["parallel_tool_calls"] is False
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "shell",
                "description": SHELL.description,
                "parameters": SHELL.parameters,
            },
        }
    ]

    def tc(call_id: str, args: str) -> dict[str, object]:
        return {"id": call_id, "type": "function", "function": {"name": "shell", "arguments": args}}

    assert body["messages"] == [
        {"role": "system", "content": "You are lha."},
        {"role": "system", "content": "<permissions>be careful</permissions>"},
        {"role": "user", "content": "list the files"},
        {
            "role": "assistant",
            "content": "Sure.",
            "tool_calls": [tc("call_a", '{"command":["ls"]}'), tc("call_b", '{"command":["pwd"]}')],
        },
        {"role": "tool", "tool_call_id": "call_a", "content": "a.txt\nb.txt"},
        {"role": "tool", "tool_call_id": "call_b", "content": "/work"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [tc("call_c", "{}")],
        },
        {"role": "tool", "tool_call_id": "call_c", "content": "done"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "and this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}},
            ],
        },
    ]
    for message in body["messages"]:
        if message["role"] == "assistant":
            assert message["content"] is not None  # llama.cpp's server rejects null


async def test_chat_body_without_tools_or_effort_leaves_them_out(
    scripted_server: ScriptedServer,
) -> None:
    await collect(make_client(scripted_server.base_url, "chat"), request())
    body = scripted_server.last_body()
    for key in ("tools", "tool_choice", "parallel_tool_calls", "reasoning_effort"):
        assert key not in body


async def test_responses_body_maps_the_transcript(scripted_server: ScriptedServer) -> None:
    await collect(
        make_client(scripted_server.base_url, "responses"),
        request(tools=[SHELL], effort="low"),
    )
    body = scripted_server.last_body()
    assert body["instructions"] == "You are lha."
    assert body["reasoning"] == {"effort": "low", "summary": "auto"}
    assert body["include"] == ["reasoning.encrypted_content"]
    assert body["parallel_tool_calls"] is True
    assert body["tools"] == [
        {
            "type": "function",
            "name": "shell",
            "description": SHELL.description,
            "parameters": SHELL.parameters,
            "strict": False,
        }
    ]

    def fc(call_id: str, args: str) -> dict[str, str]:
        return {"type": "function_call", "call_id": call_id, "name": "shell", "arguments": args}

    def out(call_id: str, text: str) -> dict[str, str]:
        return {"type": "function_call_output", "call_id": call_id, "output": text}

    assert body["input"] == [
        {
            "type": "message",
            "role": "developer",
            "content": [{"type": "input_text", "text": "<permissions>be careful</permissions>"}],
        },
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "list the files"}],
        },
        {
            "type": "reasoning",
            "id": "rs_9",
            "summary": [{"type": "summary_text", "text": "plan"}],
            "encrypted_content": "ENC",
        },
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Sure."}],
        },
        fc("call_a", '{"command":["ls"]}'),
        fc("call_b", '{"command":["pwd"]}'),
        out("call_a", "a.txt\nb.txt"),
        out("call_b", "/work"),
        fc("call_c", "{}"),
        out("call_c", "done"),
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "and this?"},
                {"type": "input_image", "image_url": "data:image/png;base64,AAA"},
            ],
        },
    ]


async def test_chat_reasoning_field_variant_and_missing_done(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.enqueue(
        Reply.text("hi there", reasoning="mull", reasoning_field="reasoning", omit_done=True)
    )
    events = await collect(make_client(scripted_server.base_url, "chat"), request())
    assert text_of(events) == "hi there"
    assert any(getattr(e, "text", None) == "mull" for e in events)
