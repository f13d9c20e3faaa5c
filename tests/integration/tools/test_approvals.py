"""Approval paths at the engine level: requests out, ``exec_approval`` ops in."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.protocol.events import ExecApprovalRequest
from core.protocol.ops import ExecApproval, UserInput
from tests.support.agent_harness import completed, events_until, is_turn_end, run_turn, types
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import next_approval, shell, start_tool_thread, tool_end

pytestmark = pytest.mark.usefixtures("bwrap_ok")


async def test_untrusted_runs_ls_then_asks_for_the_write(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="untrusted")
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", ["ls", "-a"])]),
        Reply.tool_calls([shell("c2", "echo hi > made.txt")]),
        Reply.text("written"),
    )
    await thread.submit(UserInput.text("write a file"))
    request = await next_approval(thread)
    assert request.call_id == "c2"
    assert request.command == ["bash", "-lc", "echo hi > made.txt"]
    assert request.cwd == str(h.config.cwd)
    assert not (h.config.cwd / "made.txt").exists()
    await thread.submit(ExecApproval(id="c2", decision="approved"))
    events = await events_until(thread, is_turn_end)
    assert completed(events).last_agent_message == "written"
    assert (h.config.cwd / "made.txt").read_text() == "hi\n"
    await h.manager.remove_and_close_all_threads()


async def test_approved_once_asks_again_and_for_session_does_not(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="untrusted")
    command = "echo x >> log.txt"
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", command)]),
        Reply.tool_calls([shell("c2", command)]),
        Reply.tool_calls([shell("c3", command)]),
        Reply.text("done"),
    )
    await thread.submit(UserInput.text("go"))
    assert (await next_approval(thread)).call_id == "c1"
    await thread.submit(ExecApproval(id="c1", decision="approved"))
    assert (await next_approval(thread)).call_id == "c2"
    await thread.submit(ExecApproval(id="c2", decision="approved_for_session"))
    events = await events_until(thread, is_turn_end)
    assert "exec_approval_request" not in types(events), "c3 was approved for the session"
    assert tool_end(events, "c3").success
    assert (h.config.cwd / "log.txt").read_text() == "x\nx\nx\n"
    await h.manager.remove_and_close_all_threads()


async def test_denied_tells_the_model(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="untrusted")
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", ["touch", "nope.txt"])]), Reply.text("ok, I won't")
    )
    await thread.submit(UserInput.text("go"))
    await next_approval(thread)
    await thread.submit(ExecApproval(id="c1", decision="denied"))
    events = await events_until(thread, is_turn_end)
    end = tool_end(events, "c1")
    assert not end.success and "denied" in end.output
    assert completed(events).last_agent_message == "ok, I won't"
    assert not (h.config.cwd / "nope.txt").exists()
    await h.manager.remove_and_close_all_threads()


async def test_abort_ends_the_turn_like_an_interrupt(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="untrusted")
    scripted_server.enqueue(Reply.tool_calls([shell("c1", ["touch", "nope.txt"])]))
    await thread.submit(UserInput.text("go"))
    await next_approval(thread)
    await thread.submit(ExecApproval(id="c1", decision="abort"))
    events = await events_until(thread, is_turn_end)
    assert events[-1].msg.type == "turn_aborted"
    assert not (h.config.cwd / "nope.txt").exists()
    scripted_server.enqueue(Reply.text("fresh start"))
    after = await run_turn(thread, "again")
    assert completed(after).last_agent_message == "fresh start"
    sent = str(scripted_server.last_body())
    assert "aborted by the user" in sent
    await h.manager.remove_and_close_all_threads()


async def test_on_request_escalation_is_asked_with_its_justification(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="on-request")
    probe = "echo sandbox=${LHA_SANDBOX:-none}"
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", probe)]),
        Reply.tool_calls(
            [shell("c2", probe, with_escalated_permissions=True, justification="needs network")]
        ),
        Reply.text("done"),
    )
    await thread.submit(UserInput.text("go"))
    before = await events_until(thread, lambda m: m.type == "exec_approval_request")
    request = before[-1].msg
    assert isinstance(request, ExecApprovalRequest)
    assert request.call_id == "c2" and request.reason == "needs network"
    await thread.submit(ExecApproval(id="c2", decision="approved"))
    events = before + await events_until(thread, is_turn_end)
    assert "sandbox=workspace-write" in tool_end(events, "c1").output
    assert "sandbox=none" in tool_end(events, "c2").output
    await h.manager.remove_and_close_all_threads()


async def test_never_refuses_escalation_without_asking(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="never")
    scripted_server.enqueue(
        Reply.tool_calls(
            [shell("c1", ["touch", "x"], with_escalated_permissions=True, justification="pls")]
        ),
        Reply.tool_calls([shell("c2", ["touch", "y"])]),
        Reply.text("done"),
    )
    events = await run_turn(thread, "go")
    assert not any(isinstance(e.msg, ExecApprovalRequest) for e in events)
    first = tool_end(events, "c1")
    assert not first.success and "`never`" in first.output
    assert tool_end(events, "c2").success
    assert not (h.config.cwd / "x").exists() and (h.config.cwd / "y").exists()
    await h.manager.remove_and_close_all_threads()
