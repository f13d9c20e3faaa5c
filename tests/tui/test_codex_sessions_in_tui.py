"""A Codex CLI session in the sidebar (marked Codex), resumed with the keyboard: it opens as a
new lha thread holding the whole Codex conversation, and the Codex file stays as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import answered, current_id, make_app, thread_on_screen, wait_until
from tui.widgets.sidebar import ElsewhereRow, ThreadSidebar

FIXTURE = Path(__file__).parents[1] / "fixtures" / "codex" / "two_turns_exec_command.jsonl"
CODEX_ID = "01a241e1-4fe9-76b3-8618-9ddf4e3c2263"


async def test_resume_a_codex_session_from_the_sidebar(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = tmp_path / "codex" / "sessions" / "2026" / "12" / "04"
    day.mkdir(parents=True)
    codex_file = day / f"rollout-2026-12-04T16-26-54-{CODEX_ID}.jsonl"
    shutil.copy(FIXTURE, codex_file)
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex"))
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        elsewhere = sidebar.query_one(ElsewhereRow)
        # Started in another folder (/tmp/cx/work1): aside until Ctrl+G shows every folder's.
        await wait_until(pilot, lambda: "1 more in other folders" in str(elsewhere.render()))
        assert sidebar.rows() == []
        await pilot.press("ctrl+t", "ctrl+g")
        await wait_until(pilot, lambda: len(sidebar.rows()) == 1)
        row = sidebar.rows()[0].row
        assert (str(row.thread_id), row.origin, row.first_line) == (
            CODEX_ID,
            "codex",
            "first question",
        )
        assert "Codex" in str(sidebar.rows()[0].render())
        sidebar.select(row.thread_id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        view = thread_on_screen(app)
        assert str(view.thread_id) != CODEX_ID, "a new lha thread, not the Codex file"
        users = [e.text for e in view.transcript.entries if e.kind == "user"]
        assert users == ["first question", "second question"]
        scripted_server.enqueue(Reply.text("continued in lha"))
        await pilot.press(*"go on", "enter")
        await wait_until(pilot, lambda: answered(view, "continued in lha"), within_s=10)
        assert "second question" in str(scripted_server.last_body())
    assert codex_file.read_bytes() == FIXTURE.read_bytes()
