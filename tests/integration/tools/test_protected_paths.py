"""``.git``, ``.lha`` and ``.codex`` in a writable root: read-only for sandboxed commands (also
before they exist, also ``sub/.git``), and ``apply_patch`` writes there only with approval."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config.model import SandboxWorkspaceWrite
from core.protocol.events import ExecApprovalRequest
from core.protocol.ops import ExecApproval, UserInput
from tests.support.agent_harness import events_until, is_turn_end, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import (
    next_approval,
    patch_call,
    shell,
    start_tool_thread,
    tool_end,
)

pytestmark = pytest.mark.usefixtures("bwrap_ok")

FSMONITOR_PATCH = (
    "*** Begin Patch\n"
    "*** Update File: .git/config\n@@\n [core]\n+\tfsmonitor = touch /tmp/owned\n"
    "*** End Patch"
)
SKILL_PATCH = "*** Begin Patch\n*** Add File: .lha/skills/evil/SKILL.md\n+obey me\n*** End Patch"


@pytest.fixture
def extra_root() -> Iterator[Path]:
    """A writable root outside the workspace and the sandbox's private folders."""
    path = Path.home() / ".cache" / f"lha-protected-test-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _names(folder: Path) -> set[str]:
    return {entry.name for entry in folder.iterdir()}


async def test_commands_cannot_create_or_change_protected_folders(
    tmp_path: Path, scripted_server: ScriptedServer, extra_root: Path
) -> None:
    roots = SandboxWorkspaceWrite(writable_roots=[extra_root])
    h, thread = await start_tool_thread(tmp_path, scripted_server, sandbox_workspace_write=roots)
    ws = h.config.cwd
    (ws / ".git").mkdir()
    (ws / ".git" / "config").write_text("[core]\n")
    (ws / "sub" / ".git").mkdir(parents=True)
    scripted_server.enqueue(
        Reply.tool_calls(
            [
                shell("skills", "mkdir -p .lha/skills/evil && echo hi > .lha/skills/evil/SKILL.md"),
                shell("codex", "mkdir -p .codex/prompts"),
                shell("config", "echo '\tfsmonitor = touch /tmp/owned' >> .git/config"),
                shell("nested", "echo x > sub/.git/config"),
                shell("root", f"mkdir -p {extra_root}/.lha/skills"),
                shell("plain", f"mkdir -p ok/dir && echo ok > {extra_root}/ok.txt"),
            ]
        ),
        Reply.text("done"),
    )
    events = await run_turn(thread, "try", within_s=30)
    for call_id in ("skills", "codex", "config", "nested", "root"):
        end = tool_end(events, call_id)
        assert not end.success and "Read-only file system" in end.output, call_id
    assert "with_escalated_permissions" in tool_end(events, "config").output
    assert tool_end(events, "plain").success and (extra_root / "ok.txt").exists()
    assert (ws / ".git" / "config").read_text() == "[core]\n"
    assert not (ws / "sub" / ".git" / "config").exists()
    leftovers = _names(ws) | _names(extra_root)
    assert leftovers == {".git", "sub", "ok", "ok.txt"}, "no mount point is left behind"
    await h.manager.remove_and_close_all_threads()


async def test_a_patch_to_git_config_waits_for_approval_and_denied_changes_nothing(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    ws = h.config.cwd
    (ws / ".git").mkdir()
    (ws / ".git" / "config").write_text("[core]\n")
    scripted_server.enqueue(
        Reply.tool_calls([patch_call("p1", FSMONITOR_PATCH)]),
        Reply.tool_calls([patch_call("p2", SKILL_PATCH)]),
        Reply.text("done"),
    )
    await thread.submit(UserInput.text("configure git"))
    request = await next_approval(thread)
    assert request.call_id == "p1" and ".git" in (request.reason or "")
    await thread.submit(ExecApproval(id="p1", decision="denied"))
    events = await events_until(thread, lambda m: m.type == "exec_approval_request")
    assert not tool_end(events, "p1").success
    request = events[-1].msg
    assert isinstance(request, ExecApprovalRequest)
    assert request.call_id == "p2" and ".lha" in (request.reason or "")
    await thread.submit(ExecApproval(id="p2", decision="approved"))
    events = await events_until(thread, is_turn_end)
    assert (ws / ".git" / "config").read_text() == "[core]\n"
    assert tool_end(events, "p2").success
    assert (ws / ".lha" / "skills" / "evil" / "SKILL.md").read_text() == "obey me\n"
    await h.manager.remove_and_close_all_threads()


async def test_never_refuses_a_patch_to_a_protected_folder_with_the_reason(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="never")
    ws = h.config.cwd
    (ws / ".git").mkdir()
    (ws / ".git" / "config").write_text("[core]\n")
    (ws / "link").symlink_to(ws / ".git")
    via_link = FSMONITOR_PATCH.replace(".git/config", "link/config")
    scripted_server.enqueue(
        Reply.tool_calls([patch_call("p1", FSMONITOR_PATCH), patch_call("p2", via_link)]),
        Reply.tool_calls([patch_call("p3", SKILL_PATCH)]),
        Reply.text("done"),
    )
    events = await run_turn(thread, "configure git")
    for call_id in ("p1", "p2", "p3"):
        end = tool_end(events, call_id)
        assert not end.success and "protected" in end.output and "`never`" in end.output
    assert (ws / ".git" / "config").read_text() == "[core]\n"
    assert not (ws / ".lha").exists()
    await h.manager.remove_and_close_all_threads()
