"""An MCP tool's image content (the SDK-built test server's ``chart``) reaches a model that
takes images as an image part: in the function call's output on the Responses wire, in a user
message after the tool results on chat completions. A model the catalog lists as text-only gets
the placeholder line only, and the rollout keeps the image for a later model."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.integration.tools.test_mcp import server
from tests.support.agent_harness import completed, run_turn
from tests.support.mcp_test_server import CHART_PNG
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import start_tool_thread, tool_end

CHART_URL = "data:image/png;base64," + base64.b64encode(CHART_PNG).decode()
PLACEHOLDER = "[image content: image/png]"


def _chart_turn(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue(
        Reply.tool_calls([("c1", "mcp__one__chart", "{}")]), Reply.text("a flat chart")
    )


async def test_responses_wire_puts_the_image_in_the_function_call_output(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, "responses", mcp_servers={"one": server("one")}
    )
    _chart_turn(scripted_server)
    events = await run_turn(thread, "draw the chart", within_s=60)
    assert completed(events).last_agent_message == "a flat chart"
    assert tool_end(events, "c1").output == f"the chart\n{PLACEHOLDER}"
    (output,) = [
        i for i in scripted_server.last_body()["input"] if i["type"] == "function_call_output"
    ]
    assert output["output"] == [
        {"type": "input_text", "text": f"the chart\n{PLACEHOLDER}"},
        {"type": "input_image", "image_url": CHART_URL},
    ]
    await h.manager.remove_and_close_all_threads()


async def test_chat_wire_adds_a_user_message_with_the_image_after_the_tool_results(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, "chat", mcp_servers={"one": server("one")}
    )
    _chart_turn(scripted_server)
    await run_turn(thread, "draw the chart", within_s=60)
    messages = scripted_server.last_body()["messages"]
    tool_at = next(n for n, m in enumerate(messages) if m["role"] == "tool")
    assert messages[tool_at]["content"] == f"the chart\n{PLACEHOLDER}"
    after = messages[tool_at + 1]
    assert after["role"] == "user"
    assert after["content"] == [
        {"type": "text", "text": "Images returned by tool call c1:"},
        {"type": "image_url", "image_url": {"url": CHART_URL}},
    ]
    await h.manager.remove_and_close_all_threads()


@pytest.mark.parametrize("wire_api", ["chat", "responses"])
async def test_a_text_only_model_gets_the_placeholder_and_the_rollout_keeps_the_image(
    tmp_path: Path, scripted_server: ScriptedServer, wire_api: str
) -> None:
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, wire_api, model="gpt-oss-20b", mcp_servers={"one": server("one")}
    )
    _chart_turn(scripted_server)
    await run_turn(thread, "draw the chart", within_s=60)
    body = json.dumps(scripted_server.last_body())
    assert PLACEHOLDER in body and "data:image/png" not in body
    rollout = thread.rollout_path
    assert rollout is not None and CHART_URL in rollout.read_text()
    await h.manager.remove_and_close_all_threads()
