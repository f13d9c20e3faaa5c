"""A real thread's turn over real HTTP: event order, rollout contents, interrupt, overrides."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from core.protocol.events import (
    AgentMessage,
    DynamicToolCallRequest,
    SessionConfigured,
    TokenCount,
)
from core.protocol.ops import DynamicToolResponse, Interrupt, OverrideTurnContext, UserInput
from core.protocol.session import DynamicToolSpec
from tests.support.agent_harness import (
    completed,
    events_until,
    make_harness,
    past_session,
    run_turn,
    types,
)
from tests.support.scripted_server import Reply, ScriptedServer


def rollout_types(path: Path) -> list[str]:
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return [
        line["type"] + ":" + str(line["payload"].get("type", line["payload"].get("role", "")))
        for line in lines
    ]


@pytest.mark.parametrize("wire_api", ["chat", "responses"])
async def test_one_turn_event_order_and_rollout(
    tmp_path: Path, scripted_server: ScriptedServer, wire_api: str
) -> None:
    h = make_harness(tmp_path, scripted_server, wire_api)  # type: ignore[arg-type]
    new = await h.manager.start_thread(h.config)
    assert isinstance(new.session_configured, SessionConfigured)
    assert new.session_configured.model == "gpt-test"
    path = new.thread.rollout_path
    assert path is not None and not path.exists(), "a new thread's file waits for the first turn"

    scripted_server.enqueue(Reply.text("Hello there world", chunks=3, usage=(12, 3)))
    events = await run_turn(new.thread, "hi")
    setup = [e for e in events if e.id == ""]
    assert [e.msg.type for e in setup] == ["warning"], "gpt-test is not in the catalog"
    events = [e for e in events if e.id != ""]
    assert types(events) == [
        "task_started",
        "user_message",
        "agent_message_delta",
        "agent_message_delta",
        "agent_message_delta",
        "agent_message",
        "token_count",
        "task_complete",
    ]
    assert completed(events).last_agent_message == "Hello there world"
    token = events[-2].msg
    assert isinstance(token, TokenCount) and token.info is not None
    assert token.info.total_token_usage.input_tokens == 12
    assert all(e.id == "0" for e in events)

    await h.manager.remove_and_close_all_threads()
    kinds = rollout_types(path)
    assert kinds[0] == "session_meta:"
    assert "transcript_item:message" in kinds
    assert "event_msg:user_message" in kinds and "event_msg:agent_message" in kinds
    assert "turn_context:" in kinds
    assert not any("delta" in k for k in kinds)
    assert path.stat().st_mode & 0o777 == 0o600


async def test_first_request_carries_initial_context_and_input(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, "responses")
    (h.config.cwd / "AGENTS.md").write_text("Always answer in haiku.")
    new = await h.manager.start_thread(h.config)
    await run_turn(new.thread, "what is this repo?")
    body = scripted_server.last_body()
    assert body["model"] == "gpt-test"
    assert "lha" in body["instructions"]
    texts = [part["text"] for item in body["input"] for part in item.get("content", [])]
    assert any("Always answer in haiku." in t for t in texts)
    assert any(t.startswith("<environment_context>") for t in texts)
    assert texts[-1] == "what is this repo?"
    await h.manager.remove_and_close_all_threads()


async def test_second_turn_sends_the_whole_conversation(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, "chat")
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(Reply.text("first answer"), Reply.text("second answer"))
    await run_turn(new.thread, "one")
    events = await run_turn(new.thread, "two")
    assert completed(events).last_agent_message == "second answer"
    assert events[0].id == "1"
    messages = scripted_server.last_body()["messages"]
    contents = [(m["role"], m.get("content")) for m in messages]
    assert ("user", "one") in contents or any(
        m["role"] == "user" and "one" in json.dumps(m) for m in messages
    )
    assert any(m["role"] == "assistant" and "first answer" in json.dumps(m) for m in messages)
    assert messages[-1]["role"] == "user" and "two" in json.dumps(messages[-1])
    await h.manager.remove_and_close_all_threads()


async def test_interrupt_aborts_and_drops_the_partial_answer(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, "chat")
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(Reply.text("partial answer never ends", stall_after=2, stall_s=30))
    await new.thread.submit(UserInput.text("go"))
    await events_until(new.thread, lambda m: m.type == "agent_message_delta")
    await new.thread.submit(Interrupt())
    events = await events_until(new.thread, lambda m: m.type == "turn_aborted")
    assert "agent_message" not in types(events)

    scripted_server.enqueue(Reply.text("fresh"))
    after = await run_turn(new.thread, "again")
    assert completed(after).last_agent_message == "fresh"
    sent = json.dumps(scripted_server.last_body()["messages"])
    assert "partial answer" not in sent
    assert "<turn_aborted>" in sent
    path = new.thread.rollout_path
    await h.manager.remove_and_close_all_threads()
    assert path is not None
    text = path.read_text()
    assert "partial answer" not in text and '"turn_aborted"' in text


async def test_override_turn_context_changes_later_turns(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, "chat")
    new = await h.manager.start_thread(h.config)
    await run_turn(new.thread, "one")
    assert scripted_server.last_body()["model"] == "gpt-test"
    await new.thread.submit(OverrideTurnContext(model="other-model", approval_policy="never"))
    await run_turn(new.thread, "two")
    assert scripted_server.last_body()["model"] == "other-model"
    path = new.thread.rollout_path
    await h.manager.remove_and_close_all_threads()
    assert path is not None
    contexts = [
        json.loads(line)["payload"]
        for line in path.read_text().splitlines()
        if json.loads(line)["type"] == "turn_context"
    ]
    assert [c["model"] for c in contexts] == ["gpt-test", "other-model"]
    assert contexts[-1]["approval_policy"] == "never"


@pytest.mark.parametrize("wire_api", ["chat", "responses"])
async def test_dynamic_tool_round_trip(
    tmp_path: Path, scripted_server: ScriptedServer, wire_api: str
) -> None:
    h = make_harness(tmp_path, scripted_server, wire_api)  # type: ignore[arg-type]
    spec = DynamicToolSpec(
        name="lookup",
        description="Look a word up",
        input_schema={"type": "object", "properties": {"word": {"type": "string"}}},
    )
    new = await h.manager.start_thread_with_tools(h.config, [spec])
    scripted_server.enqueue(
        Reply.tool_calls([("call_7", "lookup", '{"word": "lha"}')]),
        Reply.text("It means nothing."),
    )
    await new.thread.submit(UserInput.text("look up lha"))
    events = await events_until(new.thread, lambda m: m.type == "dynamic_tool_call_request")
    request = events[-1].msg
    assert isinstance(request, DynamicToolCallRequest)
    assert request.tool == "lookup" and json.loads(request.arguments) == {"word": "lha"}
    await new.thread.submit(DynamicToolResponse(call_id="call_7", output="a word"))
    rest = await events_until(new.thread, lambda m: m.type in ("task_complete", "error"))
    assert completed(rest).last_agent_message == "It means nothing."
    assert "tool_call_end" in types(rest)
    first_body, second_body = scripted_server.bodies()[-2:]
    assert "lookup" in json.dumps(first_body["tools"])
    assert "a word" in json.dumps(second_body)
    await h.manager.remove_and_close_all_threads()


async def test_resumed_and_forked_threads_keep_their_dynamic_tools(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    spec = DynamicToolSpec(name="lookup", description="Look a word up", input_schema={})
    path = await past_session(tmp_path, scripted_server, "first", dynamic_tools=[spec])
    h = make_harness(tmp_path, scripted_server, "chat")

    def offered() -> list[str]:
        return [t["function"]["name"] for t in scripted_server.last_body()["tools"]]

    resumed = await h.manager.resume_thread_from_rollout(h.config, path, h.manager.auth_manager())
    await run_turn(resumed.thread, "second")
    assert "lookup" in offered(), "a resumed thread offers its tools again"
    fork = await h.manager.fork_thread(1, h.config, path)
    await run_turn(fork.thread, "another second")
    assert "lookup" in offered(), "so does a fork"
    other = DynamicToolSpec(name="define", description="Define a word", input_schema={})
    replaced = await h.manager.fork_thread(1, h.config, path, [other])
    await run_turn(replaced.thread, "with other tools")
    assert "define" in offered() and "lookup" not in offered(), "given tools replace them"
    await h.manager.remove_and_close_all_threads()


async def test_input_during_a_turn_runs_next(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, "chat")
    new = await h.manager.start_thread(h.config)
    scripted_server.delay_per_chunk_s = 0.02
    scripted_server.enqueue(Reply.text("a b c d"), Reply.text("second"))
    await new.thread.submit(UserInput.text("first"))
    await new.thread.submit(UserInput.text("queued"))
    events = await events_until(
        new.thread, lambda m: isinstance(m, AgentMessage) and m.message == "second"
    )
    assert [e.msg.type for e in events].count("task_started") == 2
    await asyncio.wait_for(h.manager.remove_and_close_all_threads(), 5)
