"""The shell tool end to end: a scripted model calls it over real HTTP, a real process runs."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from core.protocol.events import ToolCallOutputDelta
from core.protocol.ops import Interrupt, UserInput
from tests.support.agent_harness import completed, events_until, is_turn_end, run_turn, types
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import shell, start_tool_thread, tool_end, tool_outputs

pytestmark = pytest.mark.usefixtures("bwrap_ok")


@pytest.mark.parametrize("wire_api", ["chat", "responses"])
async def test_shell_output_reaches_the_model_and_the_rollout(
    tmp_path: Path, scripted_server: ScriptedServer, wire_api: str
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, wire_api)
    (h.config.cwd / "notes.txt").write_text("alpha\nbeta\n")
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", ["cat", "notes.txt"]), shell("c2", "echo oops >&2; exit 3")]),
        Reply.text("done"),
    )
    events = await run_turn(thread, "read the notes")
    assert completed(events).last_agent_message == "done"
    first, second = tool_end(events, "c1"), tool_end(events, "c2")
    assert first.success and "Exit code: 0" in first.output and "alpha\nbeta" in first.output
    assert not second.success and "Exit code: 3" in second.output and "oops" in second.output
    assert "Wall time:" in first.output
    kinds = types(events)
    assert kinds.index("tool_call_begin") < kinds.index("tool_call_end")
    sent = tool_outputs(scripted_server.last_body())
    assert "alpha" in sent["c1"] and "Exit code: 3" in sent["c2"]
    body = scripted_server.bodies()[-2]
    assert any(t in json.dumps(body["tools"]) for t in ('"shell"', "shell"))
    await h.manager.remove_and_close_all_threads()
    path = thread.rollout_path
    assert path is not None
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    items = [line["payload"] for line in lines if line["type"] == "transcript_item"]
    assert [i["call_id"] for i in items if i["type"] == "tool_call"] == ["c1", "c2"]
    assert [i["call_id"] for i in items if i["type"] == "tool_call_output"] == ["c1", "c2"]


async def test_output_streams_as_coalesced_deltas(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    script = "for i in $(seq 1 2000); do echo line $i; done"
    scripted_server.enqueue(Reply.tool_calls([shell("c1", script)]), Reply.text("ok"))
    events = await run_turn(thread, "count")
    deltas = [e.msg for e in events if isinstance(e.msg, ToolCallOutputDelta)]
    assert deltas and len(deltas) < 50, len(deltas)
    streamed = "".join(d.chunk for d in deltas)
    assert "line 1\n" in streamed and "line 2000\n" in streamed
    await h.manager.remove_and_close_all_threads()


async def test_timeout_kills_the_command(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    scripted_server.enqueue(
        # 2 s: a login shell's start-up (pyenv's rehash, a loaded CI machine) must fit in it
        Reply.tool_calls([shell("c1", "echo started; sleep 30", timeout_ms=2000)]),
        Reply.text("ok"),
    )
    started = time.monotonic()
    events = await run_turn(thread, "wait")
    assert time.monotonic() - started < 12
    end = tool_end(events, "c1")
    assert not end.success and "timed out after 2 s" in end.output and "started" in end.output
    await h.manager.remove_and_close_all_threads()


async def test_ten_megabytes_of_output_are_capped(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    script = "head -c 10000000 /dev/zero | tr '\\0' a; echo; echo THE-END"
    scripted_server.enqueue(Reply.tool_calls([shell("c1", script)]), Reply.text("ok"))
    events = await run_turn(thread, "flood", within_s=30)
    end = tool_end(events, "c1")
    assert end.success and len(end.output) < 32_000
    assert "bytes of output omitted" in end.output and "THE-END" in end.output
    deltas = [e.msg for e in events if isinstance(e.msg, ToolCallOutputDelta)]
    assert len(deltas) < 100
    assert sum(len(d.chunk) for d in deltas) < 300_000
    assert len(tool_outputs(scripted_server.last_body())["c1"]) < 32_000
    await h.manager.remove_and_close_all_threads()


async def test_bad_arguments_are_a_clear_failed_output(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    scripted_server.enqueue(
        Reply.tool_calls(
            [
                ("c1", "shell", '{"command": 5}'),
                ("c2", "shell", "not json"),
                shell("c3", ["no-such-program-xyz"]),
                ("c4", "nope", "{}"),
            ]
        ),
        Reply.text("ok"),
    )
    events = await run_turn(thread, "go")
    assert "invalid shell arguments: `command" in tool_end(events, "c1").output
    assert "not valid JSON" in tool_end(events, "c2").output
    third = tool_end(events, "c3")
    assert not third.success and "no-such-program-xyz" in third.output
    assert tool_end(events, "c4").output == "unknown tool: nope"
    await h.manager.remove_and_close_all_threads()


async def test_interrupt_kills_a_running_command(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    marker = h.config.cwd / "finished.txt"
    scripted_server.enqueue(Reply.tool_calls([shell("c1", "echo go; sleep 1; touch finished.txt")]))
    await thread.submit(UserInput.text("run"))
    await events_until(thread, lambda m: m.type == "tool_call_output_delta")
    await thread.submit(Interrupt())
    events = await events_until(thread, is_turn_end)
    assert events[-1].msg.type == "turn_aborted"
    await asyncio.sleep(1.5)
    assert not marker.exists(), "the command's process group was killed"
    await h.manager.remove_and_close_all_threads()


async def test_resumed_thread_sends_earlier_tool_calls(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, "responses")
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", ["echo", "remember-me"])]), Reply.text("ok")
    )
    await run_turn(thread, "first")
    path = thread.rollout_path
    assert path is not None
    await h.manager.remove_and_close_all_threads()
    resumed = await h.manager.resume_thread_from_rollout(h.config, path, h.manager.auth_manager())
    scripted_server.enqueue(Reply.text("again"))
    await run_turn(resumed.thread, "second")
    body = scripted_server.last_body()
    assert "remember-me" in tool_outputs(body)["c1"]
    assert any(item.get("type") == "function_call" for item in body["input"])
    await h.manager.remove_and_close_all_threads()
