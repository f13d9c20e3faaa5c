"""Plain `lha` composes the newest past sessions into its first frame: as many as fit on the
screen, the rest of the first page right after; no page is asked of the engine for them."""

from __future__ import annotations

from pathlib import Path

from core.rollout.listing import ThreadsPage
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import app_config, fixed_clock, wait_until
from tui.app import LhaApp
from tui.thread_rows import FIRST_FRAME_CHROME, PAST_PAGE_SIZE
from tui.widgets.sidebar import ThreadSidebar


class CountingApp(LhaApp):
    """Counts the pages of past sessions asked of the engine."""

    pages_asked = 0

    async def _load_past_page(self, cursor: str | None) -> ThreadsPage:
        self.pages_asked += 1
        return await super()._load_past_page(cursor)


async def test_the_first_page_of_sessions_is_in_the_first_frame(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    paths = [write_rollout(home, tmp_path, 1, seed=seed) for seed in range(PAST_PAGE_SIZE + 3)]
    app = CountingApp(app_config(home, scripted_server, tmp_path), clock=fixed_clock)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        rows = sidebar.rows()
        assert 0 < len(rows) == (32 - FIRST_FRAME_CHROME) // 2, "composed with the sidebar"
        assert rows[0].row.path == paths[-1], "newest first"
        first_line = rows[0].row.first_line[:20]
        assert first_line in str(rows[0].render())
        assert rows[-1].region.bottom <= sidebar.list_view.region.bottom, "all on screen"
        await wait_until(pilot, lambda: len(sidebar.rows()) == PAST_PAGE_SIZE)
        await wait_until(pilot, lambda: app.controller is not None)
        await pilot.pause()
        assert app.pages_asked == 0, "the engine is not asked for the first page again"

        sidebar.list_view.focus()  # the rest still pages in from the first page's cursor
        sidebar.list_view.index = len(sidebar.list_view.children) - 1
        await wait_until(pilot, lambda: len(sidebar.rows()) == PAST_PAGE_SIZE + 3)
        assert app.pages_asked == 1
        ids = [r.row.thread_id for r in sidebar.rows()]
        assert len(set(ids)) == len(ids)


async def test_the_first_frame_lists_this_folders_sessions_of_the_first_page(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """Other folders' sessions of the first page are counted, not composed; this folder's fill
    the screen, so no page more is read."""
    from tui.widgets.sidebar import ElsewhereRow

    home, project = tmp_path / "home", tmp_path / "project"
    mine: list[Path] = []
    for seed in range(40):
        where = project if seed % 2 else tmp_path / "other"
        path = write_rollout(home, where, 1, seed=seed)
        if seed % 2:
            mine.append(path)
    app = CountingApp(app_config(home, scripted_server, project), clock=fixed_clock)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        rows = sidebar.rows()
        assert len(rows) == (32 - FIRST_FRAME_CHROME) // 2, "composed with the sidebar"
        assert [r.row.path for r in rows] == mine[::-1][: len(rows)], "this folder's, newest first"
        await wait_until(pilot, lambda: len(sidebar.rows()) == 20)
        await wait_until(pilot, lambda: app.controller is not None)
        await pilot.pause()
        assert app.pages_asked == 0
        assert "20 more in other folders" in str(sidebar.query_one(ElsewhereRow).render())
