"""The OpenAI wire done exactly: what the client makes of answers that are only in
``response.completed``, of an empty 200 body, of URLs it cannot use, and of truncated answers."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from core.agent.turn import CUT_SHORT_REASONS
from core.errors import ProviderError
from core.llm import errors_map
from core.llm.response_events import Completed, OutputItemDone
from core.protocol.events import Warning
from core.protocol.items import MessageItem, ToolCallItem
from tests.integration.llm_helpers import collect, failure, make_client, simple_request
from tests.integration.test_cli_exec import lha, write_config
from tests.support.agent_harness import completed, make_harness, run_turn
from tests.support.scripted_server import Reply, ScriptedServer


def _sse(*events: dict[str, object]) -> tuple[bytes, ...]:
    return tuple(f"data: {json.dumps(event)}\n\n".encode() for event in events)


async def test_output_only_in_response_completed_is_taken_from_there(
    scripted_server: ScriptedServer,
) -> None:
    output = [
        {"type": "message", "id": "m1", "role": "assistant",
         "content": [{"type": "output_text", "text": "from completed"}]},
        {"type": "function_call", "id": "f1", "call_id": "c1", "name": "shell",
         "arguments": "{}"},
    ]  # fmt: skip
    done = {"type": "response.completed", "response": {"id": "r", "output": output}}
    scripted_server.enqueue(Reply(raw_sse=_sse(done)))
    events = await collect(make_client(scripted_server.base_url, "responses"), simple_request())
    items = [event.item for event in events if isinstance(event, OutputItemDone)]
    assert isinstance(items[0], MessageItem) and items[0].text() == "from completed"
    assert isinstance(items[1], ToolCallItem) and items[1].call_id == "c1"
    assert isinstance(events[-1], Completed) and events[-1].finish_reason == "tool_calls"


@pytest.mark.parametrize("wire", ["chat", "responses"])
async def test_an_empty_200_body_is_not_retried(scripted_server: ScriptedServer, wire: str) -> None:
    scripted_server.enqueue(Reply(raw_sse=()), Reply.text("never asked for"))
    client = make_client(scripted_server.base_url, wire, stream_max_retries=4)  # type: ignore[arg-type]
    error, _ = await failure(client, simple_request())
    assert isinstance(error, ProviderError)
    assert "empty body" in error.message
    assert len(scripted_server.model_requests()) == 1


@pytest.mark.parametrize(
    "exc", [httpx.UnsupportedProtocol("ftp"), httpx.LocalProtocolError("Illegal header value")]
)
def test_a_request_that_cannot_be_sent_is_not_retryable(exc: httpx.TransportError) -> None:
    """Config checks base_url and http_headers; env_http_headers come from the environment at
    request time, so httpx may still refuse to send what it was given."""
    endpoint = make_client("http://127.0.0.1:9/v1", "chat").endpoint
    error = errors_map.connect_error(endpoint, exc)
    assert not error.retryable
    assert error.message.startswith("cannot send the request to http://127.0.0.1:9/v1")


@pytest.mark.parametrize("reason", ["length", "content_filter"])
async def test_a_truncated_answer_warns(
    tmp_path: Path, scripted_server: ScriptedServer, reason: str
) -> None:
    h = make_harness(tmp_path, scripted_server)
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(Reply.text("half an ans", finish_reason=reason))
    events = await run_turn(new.thread, "say it all")
    assert completed(events).last_agent_message == "half an ans"
    warnings = [e.msg.message for e in events if isinstance(e.msg, Warning)]
    why = CUT_SHORT_REASONS[reason]
    assert [w for w in warnings if "cut short" in w] == [
        f"the model's answer was cut short ({why})"
    ]
    await h.manager.remove_and_close_all_threads()


CHAT_REFUSAL = (
    b'data: {"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","refusal":"I can"}}]}\n\n',
    b'data: {"id":"c1","choices":[{"index":0,"delta":{"refusal":"not help."},'
    b'"finish_reason":"stop"}]}\n\n',
    b"data: [DONE]\n\n",
)
RESPONSES_REFUSAL = _sse(
    {"type": "response.created", "response": {"id": "r1"}},
    {"type": "response.refusal.delta", "item_id": "m1", "delta": "I can"},
    {"type": "response.refusal.delta", "item_id": "m1", "delta": "not help."},
    {"type": "response.output_item.done", "item": {"type": "message", "id": "m1",
     "role": "assistant", "content": [{"type": "refusal", "refusal": "I cannot help."}]}},
    {"type": "response.completed", "response": {"id": "r1", "output": []}},
)  # fmt: skip


@pytest.mark.parametrize(
    ("wire", "frames"), [("chat", CHAT_REFUSAL), ("responses", RESPONSES_REFUSAL)]
)
def test_a_refusal_is_shown_recorded_and_exits_1(
    tmp_path: Path, scripted_server_thread: ScriptedServer, wire: str, frames: tuple[bytes, ...]
) -> None:
    home = tmp_path / "home"
    write_config(home, scripted_server_thread, wire_api=wire)
    scripted_server_thread.enqueue(Reply(raw_sse=frames), Reply.text("fine then"))
    result = lha(home, "exec", "--json", "do the bad thing")
    assert result.returncode == 1, result.stderr
    events = [json.loads(line)["msg"] for line in result.stdout.splitlines()]
    refusals = [e for e in events if e["type"] == "model_refusal"]
    assert refusals == [{"type": "model_refusal", "message": "I cannot help."}]
    assert not any(e["type"] == "agent_message" for e in events)
    rollout = Path(events[0]["rollout_path"]).read_text()
    assert '"type":"model_refusal"' in rollout
    human = lha(home, "exec", "resume", "--last", "and now?")
    assert human.returncode == 0, human.stderr
    sent = json.dumps(scripted_server_thread.last_body())
    assert "I cannot help." in sent, "the model sees its refusal in the next request"


def test_a_refusal_is_its_own_kind_of_transcript_entry() -> None:
    from tui.transcript_model import Entry, entry_for_payload
    from tui.widgets.entries import NoticeView, widget_for

    entry = entry_for_payload({"type": "model_refusal", "message": "I cannot help."})
    assert entry == Entry("refusal", "I cannot help.")
    view = widget_for(entry)
    assert isinstance(view, NoticeView) and view.has_class("refusal")
