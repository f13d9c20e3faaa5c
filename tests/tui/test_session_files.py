"""``/export [FILE]`` and the sidebar's archive and delete keys, driven with Textual's pilot on
a real engine (scripted server over HTTP, real rollout files)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import chat, make_app, wait_until
from tui.screens.confirm_delete import ConfirmDeleteScreen
from tui.widgets.sidebar import ThreadSidebar


async def test_export_writes_the_thread_on_screen_into_its_folder(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    app = make_app(tmp_path / "home", scripted_server, work)
    async with app.run_test(size=(110, 32)) as pilot:
        view = await chat(pilot, "hello export")
        await pilot.press(*"/export talk.json", "enter")
        target = work / "talk.json"
        await wait_until(pilot, target.exists)
        items = json.loads(target.read_text())["items"]
        assert [(i["kind"], i["text"]) for i in items] == [
            ("user", "hello export"),
            ("assistant", "echo: hello export"),
        ]
        await pilot.press(*"/export", "enter")
        default = work / f"lha-{view.thread_id.short}.md"
        await wait_until(pilot, default.exists)
        assert "## User" in default.read_text() and "hello export" in default.read_text()
        assert not [e for e in view.transcript.entries if "/export" in e.text], "not sent"


async def test_sidebar_keys_archive_and_delete_a_past_session(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    paths = [write_rollout(home, tmp_path, 1, seed=seed) for seed in range(3)]
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        await wait_until(pilot, lambda: len(sidebar.rows()) == 3)
        await pilot.press("ctrl+t")
        sidebar.focus_past()
        first = sidebar.rows()[0].row
        assert first.path is not None

        await pilot.press("ctrl+a")
        await wait_until(pilot, lambda: len(sidebar.rows()) == 2)
        archived = home / "archived_sessions" / first.path.relative_to(home / "sessions")
        assert archived.exists() and not first.path.exists()

        sidebar.focus_past()
        second = sidebar.rows()[0].row
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen))
        await pilot.press("enter", "escape")  # Enter does nothing: no button has focus
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDeleteScreen))
        assert second.path is not None and second.path.exists()
        assert len(sidebar.rows()) == 2

        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: len(sidebar.rows()) == 1)
        assert not second.path.exists()
        assert sum(p.exists() for p in paths) == 1
