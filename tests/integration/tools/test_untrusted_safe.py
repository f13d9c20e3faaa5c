"""``untrusted`` runs known-safe commands without asking, so "known-safe" must hold: a program
the model wrote (``./ls``) is asked about, and git never runs the repository's programs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.protocol.ops import ExecApproval, UserInput
from tests.support.agent_harness import events_until, is_turn_end, run_turn, types
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import next_approval, shell, start_tool_thread, tool_end

pytestmark = pytest.mark.usefixtures("bwrap_ok")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _booby_trapped_repo(repo: Path, hooks: Path) -> Path:
    """A committed repository whose config runs a program (outside the workspace) at
    ``git status`` (core.fsmonitor) and ``git diff`` (diff.external); each writes the marker
    the test looks for into the workspace."""
    marker = repo / "MARKER"
    hooks.mkdir()
    hook = hooks / "hook.sh"
    hook.write_text(f"#!/bin/sh\necho ran >> {marker}\nexit 1\n")
    hook.chmod(0o755)
    _git(repo, "init", "-q")
    (repo / "file.txt").write_text("one\n")
    _git(repo, "add", "file.txt")
    _git(repo, "commit", "-qm", "first")
    (repo / "file.txt").write_text("two\n")
    _git(repo, "config", "core.fsmonitor", str(hook))
    _git(repo, "config", "diff.external", str(hook))
    return marker


async def test_git_runs_without_the_repository_programs(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="untrusted")
    marker = _booby_trapped_repo(h.config.cwd, tmp_path / "hooks")
    scripted_server.enqueue(
        Reply.tool_calls(
            [
                shell("status", ["git", "status"]),
                shell("diff", ["git", "diff"]),
                shell("log", ["git", "log", "-p", "-n", "1"]),
                shell("script", "git status && git diff | head -n 20"),
            ]
        ),
        Reply.text("done"),
    )
    events = await run_turn(thread, "look at the repo", within_s=30)
    assert "exec_approval_request" not in types(events), "all of them are known-safe"
    assert "file.txt" in tool_end(events, "status").output
    assert "+two" in tool_end(events, "diff").output
    assert "+two" in tool_end(events, "script").output
    assert not marker.exists(), "a repository program ran"
    _git(h.config.cwd, "status")
    assert marker.exists(), "the trap is real: a plain git status springs it"
    await h.manager.remove_and_close_all_threads()


async def test_a_program_in_the_workspace_is_not_known_safe(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="untrusted")
    fake = h.config.cwd / "ls"
    fake.write_text("#!/bin/sh\ntouch pwned\n")
    fake.chmod(0o755)
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", ["./ls"])]),
        Reply.tool_calls([shell("c2", "./ls && ls")]),
        Reply.text("done"),
    )
    await thread.submit(UserInput.text("list"))
    assert (await next_approval(thread)).call_id == "c1"
    await thread.submit(ExecApproval(id="c1", decision="denied"))
    assert (await next_approval(thread)).call_id == "c2"
    await thread.submit(ExecApproval(id="c2", decision="denied"))
    await events_until(thread, is_turn_end)
    assert not (h.config.cwd / "pwned").exists()
    await h.manager.remove_and_close_all_threads()


async def test_a_repository_with_its_own_filter_driver_is_asked_about(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """A clean filter runs at ``git status``; no option turns it off, so git is not safe there."""
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="untrusted")
    repo = h.config.cwd
    _booby_trapped_repo(repo, tmp_path / "hooks")
    _git(repo, "config", "filter.trap.clean", "touch FILTERED; cat")
    scripted_server.enqueue(Reply.tool_calls([shell("c1", ["git", "status"])]), Reply.text("ok"))
    await thread.submit(UserInput.text("status"))
    assert (await next_approval(thread)).call_id == "c1"
    await thread.submit(ExecApproval(id="c1", decision="denied"))
    await events_until(thread, is_turn_end)
    await h.manager.remove_and_close_all_threads()
