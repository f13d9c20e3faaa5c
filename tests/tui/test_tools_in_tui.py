"""Issue 6's end-to-end: in the TUI, under ``untrusted``, ``ls`` runs at once, a write asks for
approval through the modal, and the write lands in the workspace only."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import shell
from tests.support.tui_harness import app_config, fixed_clock, thread_on_screen, wait_until
from tui.app import LhaApp
from tui.screens.approval import ApprovalScreen
from tui.widgets.entries import ToolCallView

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


@needs_bwrap
async def test_read_runs_write_asks_and_lands_in_the_workspace(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "README.md").write_text("hello\n")
    outside = Path.home() / f".lha-sandbox-probe-{uuid.uuid4().hex}"  # not /tmp: that is writable
    config = app_config(tmp_path / "home", scripted_server, work).model_copy(
        update={"approval_policy": "untrusted"}
    )
    scripted_server.enqueue(
        Reply.tool_calls([shell("call_ls", ["ls"])]),
        Reply.tool_calls(
            [shell("call_write", ["bash", "-c", f"echo done > notes.txt; echo x > {outside}"])]
        ),
        Reply.text("All done."),
    )
    app = LhaApp(config, clock=fixed_clock)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"tidy up", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen), within_s=10)
        view = thread_on_screen(app)
        tools = list(view.transcript.query(ToolCallView))
        assert tools and "README.md" in tools[0].entry.text, "ls ran without asking"
        screen = app.screen
        assert isinstance(screen, ApprovalScreen)
        assert "notes.txt" in " ".join(screen.request.command)
        assert screen.thread_label == f"thread {view.thread_id.short} · tidy up", "who asks"
        assert "tidy up" in str(screen.query_one("#approval").border_subtitle)
        await pilot.press("y")
        await wait_until(pilot, lambda: not view.running, within_s=10)
        assert any(e.text == "All done." for e in view.transcript.entries)
    assert (work / "notes.txt").read_text() == "done\n"
    try:
        assert not outside.exists(), "the sandbox kept the write inside the workspace"
    finally:
        outside.unlink(missing_ok=True)
