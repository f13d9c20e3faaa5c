"""Protected folders a sandboxed command creates below the top of a root (``git init sub``,
``mkdir -p sub/.lha/skills``): removed under ``never``, kept only with the user's approval
otherwise, and the model is told; repositories that were there before are never touched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.protocol.events import EventMsg, ExecApprovalRequest, ToolCallOutputDelta
from core.protocol.ops import ExecApproval, Interrupt, UserInput
from tests.support.agent_harness import events_until, is_turn_end, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import (
    next_approval,
    shell,
    start_tool_thread,
    tool_end,
    tool_outputs,
)

pytestmark = pytest.mark.usefixtures("bwrap_ok")


def _nested_repository(folder: Path) -> bytes:
    """A real repository with one commit; returns its config, to compare afterwards."""
    folder.mkdir(parents=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(folder)]
    subprocess.run([*git, "init", "-q"], check=True)
    (folder / "a.txt").write_text("a\n")
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    return (folder / ".git" / "config").read_bytes()


async def test_never_removes_what_the_command_created_and_tells_the_model(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="never")
    ws = h.config.cwd
    config = _nested_repository(ws / "old")
    scripted_server.enqueue(
        Reply.tool_calls(
            [
                shell("init", ["git", "init", "sub"]),
                shell("skills", "mkdir -p sub2/.lha/skills && echo obey > sub2/.lha/skills/x"),
                shell("deep", "mkdir -p n/a/b/c/d/e/.codex && mkdir keep && touch old/b.txt"),
                shell("moved", "mv old older"),
            ]
        ),
        Reply.text("done"),
    )
    events = await run_turn(thread, "plant", within_s=60)
    for call_id, shown in (("init", "sub/.git"), ("skills", "sub2/.lha"), ("deep", ".codex")):
        end = tool_end(events, call_id)
        assert not end.success and shown in end.output, call_id
        assert "lha removed it" in end.output and "`never`" in end.output, call_id
    told = [tool_outputs(body).get("init", "") for body in scripted_server.bodies()]
    assert any("lha removed it" in output for output in told), "the model reads why"
    assert {p.name for p in ws.iterdir()} == {"keep", "older"}, "nothing else is left behind"
    moved = tool_end(events, "moved")
    assert moved.success and "Note:" not in moved.output
    assert (ws / "older" / ".git" / "config").read_bytes() == config, "moved, not created"
    assert (ws / "older" / "b.txt").exists()
    await h.manager.remove_and_close_all_threads()


async def test_on_request_keeps_an_approved_repository_and_removes_a_denied_one(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, network_access=True)
    ws = h.config.cwd
    _nested_repository(ws / "src")
    scripted_server.enqueue(
        Reply.tool_calls([shell("clone", ["git", "clone", "-q", "src", "copy"])]),
        Reply.tool_calls([shell("skills", "mkdir -p sub/.lha/skills")]),
        Reply.text("done"),
    )
    await thread.submit(UserInput.text("clone it"))
    request = await next_approval(thread, within_s=30)
    assert request.call_id == "clone" and request.command == ["git", "clone", "-q", "src", "copy"]
    assert "created copy/.git" in (request.reason or "") and "keep it?" in (request.reason or "")
    assert (ws / "copy" / ".git").is_dir(), "the user can look before answering"
    await thread.submit(ExecApproval(id="clone", decision="approved"))
    events = await events_until(thread, lambda m: m.type == "exec_approval_request", 30)
    clone = tool_end(events, "clone")
    assert clone.success and "approved keeping it" in clone.output
    request = events[-1].msg
    assert isinstance(request, ExecApprovalRequest)
    assert request.call_id == "skills" and "sub/.lha" in (request.reason or "")
    await thread.submit(ExecApproval(id="skills", decision="denied"))
    events = await events_until(thread, is_turn_end, 30)
    assert (ws / "copy" / "a.txt").read_text() == "a\n"
    assert (ws / "copy" / ".git" / "HEAD").is_file()
    skills = tool_end(events, "skills")
    assert not skills.success and "declined" in skills.output
    assert not (ws / "sub").exists()
    await h.manager.remove_and_close_all_threads()


async def test_escalated_and_unsandboxed_commands_are_not_second_guessed(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, sandbox_mode="danger-full-access", approval_policy="never"
    )
    scripted_server.enqueue(
        Reply.tool_calls([shell("init", ["git", "init", "-q", "sub"])]), Reply.text("done")
    )
    events = await run_turn(thread, "init")
    assert tool_end(events, "init").success
    assert (h.config.cwd / "sub" / ".git" / "HEAD").is_file()
    await h.manager.remove_and_close_all_threads()


def _said_go(msg: EventMsg) -> bool:
    return isinstance(msg, ToolCallOutputDelta) and "go" in msg.chunk


async def test_an_interrupted_command_leaves_no_repository_it_created(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    command = "git init -q sub && echo go && sleep 30"
    scripted_server.enqueue(Reply.tool_calls([shell("c1", command)]))
    await thread.submit(UserInput.text("run"))
    await events_until(thread, _said_go, 30)
    assert (h.config.cwd / "sub" / ".git").is_dir()
    await thread.submit(Interrupt())
    events = await events_until(thread, is_turn_end)
    assert events[-1].msg.type == "turn_aborted"
    assert list(h.config.cwd.iterdir()) == [], "nobody was there to approve it"
    await h.manager.remove_and_close_all_threads()
