"""apply_patch called by a scripted model: approval under untrusted, failures reported whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.model import SandboxWorkspaceWrite
from core.protocol.ops import ExecApproval, UserInput
from tests.support.agent_harness import completed, events_until, is_turn_end, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import (
    next_approval,
    patch_call,
    start_tool_thread,
    tool_end,
    tool_outputs,
)

PATCH = (
    "*** Begin Patch\n"
    "*** Add File: src/new.py\n+print('new')\n"
    "*** Update File: app.py\n*** Move to: main.py\n@@\n-x = 1\n+x = 2\n"
    "*** Delete File: junk.txt\n"
    "*** End Patch"
)


@pytest.mark.parametrize("wire_api", ["chat", "responses"])
async def test_patch_applies_under_on_request(
    tmp_path: Path, scripted_server: ScriptedServer, wire_api: str
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, wire_api)
    ws = h.config.cwd
    (ws / "app.py").write_text("x = 1\n")
    (ws / "junk.txt").write_text("junk\n")
    scripted_server.enqueue(Reply.tool_calls([patch_call("p1", PATCH)]), Reply.text("patched"))
    events = await run_turn(thread, "refactor")
    end = tool_end(events, "p1")
    assert end.success, end.output
    assert "A src/new.py" in end.output and "M app.py -> main.py" in end.output
    assert (ws / "main.py").read_text() == "x = 2\n" and not (ws / "app.py").exists()
    assert (ws / "src/new.py").exists() and not (ws / "junk.txt").exists()
    assert "Success" in tool_outputs(scripted_server.last_body())["p1"]
    await h.manager.remove_and_close_all_threads()


async def test_untrusted_asks_before_patching(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, approval_policy="untrusted")
    patch = "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch"
    scripted_server.enqueue(Reply.tool_calls([patch_call("p1", patch)]), Reply.text("done"))
    await thread.submit(UserInput.text("add a file"))
    request = await next_approval(thread)
    assert request.command == ["apply_patch", "hello.txt"]
    assert request.reason is not None and "A hello.txt" in request.reason
    assert not (h.config.cwd / "hello.txt").exists()
    await thread.submit(ExecApproval(id="p1", decision="approved"))
    events = await events_until(thread, is_turn_end)
    assert completed(events).last_agent_message == "done"
    assert (h.config.cwd / "hello.txt").read_text() == "hi\n"
    await h.manager.remove_and_close_all_threads()


async def test_failing_hunk_and_escape_leave_files_untouched(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    ws = h.config.cwd
    (ws / "a.txt").write_text("one\ntwo\n")
    bad_hunk = (
        "*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n+ONE\n@@\n-three\n+THREE\n*** End Patch"
    )
    escape = "*** Begin Patch\n*** Add File: ../evil.txt\n+x\n*** End Patch"
    scripted_server.enqueue(
        Reply.tool_calls([patch_call("p1", bad_hunk)]),
        Reply.tool_calls([patch_call("p2", escape)]),
        Reply.text("gave up"),
    )
    events = await run_turn(thread, "edit")
    first = tool_end(events, "p1")
    assert not first.success and "hunk 2 of a.txt" in first.output and "|three" in first.output
    assert (ws / "a.txt").read_text() == "one\ntwo\n"
    second = tool_end(events, "p2")
    assert not second.success and "outside the workspace" in second.output
    assert not (ws.parent / "evil.txt").exists()
    await h.manager.remove_and_close_all_threads()


@pytest.mark.parametrize("mode", ["workspace-write", "danger-full-access"])
async def test_writable_roots_take_patches_in_workspace_write_only(
    tmp_path: Path, scripted_server: ScriptedServer, mode: str
) -> None:
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    widened = SandboxWorkspaceWrite(writable_roots=[shared])
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, sandbox_mode=mode, sandbox_workspace_write=widened
    )
    patch = f"*** Begin Patch\n*** Add File: {shared}/notes.txt\n+kept\n*** End Patch"
    scripted_server.enqueue(Reply.tool_calls([patch_call("p", patch)]), Reply.text("ok"))
    end = tool_end(await run_turn(thread, "note it"), "p")
    if mode == "workspace-write":
        assert end.success, end.output
        assert (shared / "notes.txt").read_text() == "kept\n"
    else:  # the roots widen workspace-write only; patches elsewhere stay in the workspace
        assert not end.success and "outside the workspace" in end.output
        assert not (shared / "notes.txt").exists()
    await h.manager.remove_and_close_all_threads()
