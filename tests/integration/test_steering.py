"""Steering a running turn (``SteerInput``): the input reaches the model at the turn's next
request, after the tool calls under way, and is recorded there in the rollout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from core.images.attachment import image_from_bytes
from core.protocol.ops import SteerInput, TextInput, UserInput
from tests.support.agent_harness import events_until, is_turn_end, make_harness, types
from tests.support.images import png_bytes
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import WAIT_FOR_GO, shell

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def rollout_payloads(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line)["payload"] for line in path.read_text().splitlines()]


def user_texts(body: Any) -> list[str]:
    return [m["content"] for m in body["messages"] if m["role"] == "user"]


@needs_bwrap
async def test_steering_reaches_the_next_request_of_the_running_turn(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    config = h.config.model_copy(update={"approval_policy": "never"})
    new = await h.manager.start_thread(config)
    scripted_server.enqueue(
        Reply.tool_calls([shell("call_wait", WAIT_FOR_GO)]), Reply.text("did both")
    )
    await new.thread.submit(UserInput.text("first task"))
    await events_until(new.thread, lambda m: m.type == "tool_call_begin")
    await new.thread.submit(SteerInput.text("also check the tests"))
    (h.config.cwd / "go").touch()  # the tool call under way ends only now
    events = await events_until(new.thread, is_turn_end)

    assert types(events).count("task_started") == 0, "one turn: the steering joined it"
    steered = [e.msg for e in events if e.msg.type == "user_message"]
    assert [m.message for m in steered] == ["also check the tests"]  # type: ignore[attr-defined]
    assert types(events)[-1] == "task_complete"
    second = scripted_server.bodies()[-1]
    assert user_texts(second)[-1] == "also check the tests"
    roles = [m["role"] for m in second["messages"]]
    assert roles[-2:] == ["tool", "user"], "after the tool output, before the next answer"

    path = new.thread.rollout_path
    assert path is not None
    payloads = rollout_payloads(path)
    kinds = [p.get("type") for p in payloads]
    output_at = kinds.index("tool_call_output")
    steer_at = next(i for i, p in enumerate(payloads) if p.get("message") == "also check the tests")
    answer_at = next(i for i, p in enumerate(payloads) if p.get("message") == "did both")
    assert output_at < steer_at < answer_at, "recorded in its place"
    await h.manager.remove_and_close_all_threads()


async def test_steering_after_the_last_request_runs_next_and_idle_steering_starts_a_turn(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(
        Reply.text("one two three", stall_after=1, stall_s=0.5),
        Reply.text("steered answer"),
        Reply.text("idle answer"),
    )
    await new.thread.submit(UserInput.text("go"))
    await events_until(new.thread, lambda m: m.type == "agent_message_delta")
    await new.thread.submit(SteerInput.text("and then this"))
    first = await events_until(new.thread, is_turn_end)
    assert types(first)[-1] == "task_complete"
    second = await events_until(new.thread, is_turn_end)
    assert "task_started" in types(second), "a turn of its own, since the first had ended"
    assert user_texts(scripted_server.bodies()[-1])[-1] == "and then this"

    await new.thread.submit(SteerInput.text("nothing runs"))
    third = await events_until(new.thread, is_turn_end)
    assert types(third)[0] == "task_started" and types(third)[-1] == "task_complete"
    assert user_texts(scripted_server.bodies()[-1])[-1] == "nothing runs"
    await h.manager.remove_and_close_all_threads()


@needs_bwrap
async def test_steering_with_an_image_for_a_text_only_model_is_refused_and_the_turn_goes_on(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """The rule a turn's own input meets (``refuse_images_the_model_cannot_take``) holds for
    steering too, whichever client sent it: one warning line, nothing recorded or sent."""
    h = make_harness(tmp_path, scripted_server, model="gpt-oss-20b")  # text-only in the catalog
    config = h.config.model_copy(update={"approval_policy": "never"})
    new = await h.manager.start_thread(config)
    scripted_server.enqueue(
        Reply.tool_calls([shell("call_wait", WAIT_FOR_GO)]), Reply.text("did it"), Reply.text("ok")
    )
    await new.thread.submit(UserInput.text("first task"))
    await events_until(new.thread, lambda m: m.type == "tool_call_begin")
    picture = image_from_bytes(png_bytes(), "shot.png").to_input()
    await new.thread.submit(SteerInput(items=[TextInput(text="look at this"), picture]))
    warned = (await events_until(new.thread, lambda m: m.type == "warning"))[-1].msg
    (h.config.cwd / "go").touch()  # the tool call under way ends only now
    events = await events_until(new.thread, is_turn_end)

    message = warned.message  # type: ignore[union-attr]
    assert "gpt-oss-20b takes no images" in message and "\n" not in message
    assert types(events)[-1] == "task_complete", "the running turn goes on"
    assert "user_message" not in types(events)
    sent = json.dumps(scripted_server.bodies()[-1])
    assert "look at this" not in sent and "data:image" not in sent

    await new.thread.submit(UserInput.text("next"))
    after = await events_until(new.thread, is_turn_end)
    steered = [e.msg for e in after if e.msg.type == "user_message"]
    assert [m.message for m in steered] == ["next"], "nothing was left queued"  # type: ignore[attr-defined]
    assert types(after)[-1] == "task_complete"
    path = new.thread.rollout_path
    assert path is not None
    await h.manager.remove_and_close_all_threads()
    assert "look at this" not in path.read_text()
