"""The sidebar pages past sessions in as the user scrolls, and filters as they type."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input

from tests.support.agent_harness import make_harness, past_session
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import (
    FIXED_NOW,
    app_config,
    current_id,
    fixed_clock,
    make_app,
    open_threads,
    wait_until,
)
from tui.app import LhaApp
from tui.threads.controller import PAST_PAGE_SIZE
from tui.widgets.sidebar import ThreadListItem, ThreadSidebar


async def test_past_sessions_page_in_and_filter(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    for seed in range(PAST_PAGE_SIZE + 20):
        write_rollout(home, tmp_path, 1, seed=seed)
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        await wait_until(pilot, lambda: len(sidebar.rows()) == PAST_PAGE_SIZE)
        sidebar.list_view.focus()
        sidebar.list_view.index = len(sidebar.list_view.children) - 1
        await wait_until(pilot, lambda: len(sidebar.rows()) == PAST_PAGE_SIZE + 20)
        ids = [r.row.thread_id for r in sidebar.rows()]
        assert len(set(ids)) == len(ids) and ids == sorted(ids, reverse=True)

        word = sidebar.rows()[0].row.preview.split()[3]
        expected = sum(1 for r in sidebar.rows() if word in r.row.preview.lower())
        await pilot.press("ctrl+t", "/")
        await pilot.press(*word)
        await pilot.pause()
        shown = [r for r in sidebar.rows() if r.display]
        assert 0 < len(shown) == expected < len(sidebar.rows())

        # Type to filter: letters typed in the list go to the filter.
        app.query_one("#thread-filter", Input).value = ""
        await pilot.press("enter")  # back to the list
        assert app.focused is sidebar.list_view
        await pilot.press(*word)
        assert app.query_one("#thread-filter", Input).value == word
        assert len([r for r in sidebar.rows() if r.display]) == expected


async def test_a_past_fork_sits_under_its_parent_even_a_page_later(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """The fork is the newest session and its parent the oldest, a page apart: once the parent's
    page loads, the fork moves right under it."""
    parent = await past_session(tmp_path, scripted_server, "parent question", "second question")
    home = tmp_path / "home"
    for seed in range(PAST_PAGE_SIZE):
        write_rollout(home, tmp_path, 1, seed=seed)
    harness = make_harness(tmp_path, scripted_server)
    fork = await harness.manager.fork_thread(1, harness.config, parent)
    await harness.manager.remove_and_close_all_threads()

    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        await wait_until(pilot, lambda: len(sidebar.rows()) == PAST_PAGE_SIZE)
        assert sidebar.rows()[0].row.thread_id == fork.thread_id, "newest first, for now"
        sidebar.list_view.focus()
        sidebar.list_view.index = len(sidebar.list_view.children) - 1
        await wait_until(pilot, lambda: len(sidebar.rows()) == PAST_PAGE_SIZE + 2)
        ids = [r.row.thread_id for r in sidebar.rows()]
        assert ids.index(fork.thread_id) == ids.index(parent_id(sidebar, "parent")) + 1
        assert ids[-2:] == [parent_id(sidebar, "parent"), fork.thread_id]
        label = str(sidebar.rows()[-1].render())
        assert label.startswith("↳") and "fork of" in label

        sidebar.select(fork.thread_id)  # resumed, the fork stays marked as one
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_id(app) == fork.thread_id)
        live = sidebar.find(fork.thread_id)
        assert live is not None and live.row.live
        assert live.row.forked_from_id == parent_id(sidebar, "parent")
        assert str(live.render()).startswith("↳")


def parent_id(sidebar: ThreadSidebar, preview_start: str) -> object:
    return next(
        r.row.thread_id
        for r in sidebar.rows()
        if r.row.preview.startswith(preview_start) and r.row.forked_from_id is None
    )


async def test_resume_without_a_session_opens_on_the_list_of_past_sessions(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """`lha resume` alone, as `codex resume`: the newest past session is highlighted in the
    focused list, and Enter resumes it."""
    await past_session(tmp_path, scripted_server, "older")
    newest = await past_session(tmp_path, scripted_server, "newest")
    config = app_config(tmp_path / "home", scripted_server, tmp_path)
    app = LhaApp(config, clock=fixed_clock, pick_session=True)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        await wait_until(pilot, lambda: app.focused is sidebar.list_view)
        await wait_until(
            pilot, lambda: isinstance(sidebar.list_view.highlighted_child, ThreadListItem)
        )
        highlighted = sidebar.list_view.highlighted_child
        assert isinstance(highlighted, ThreadListItem) and highlighted.row.path == newest
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        assert open_threads(app)[current_id(app)].rollout_path == newest  # type: ignore[index]


async def test_resume_without_any_past_session_says_so(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    config = app_config(tmp_path / "home", scripted_server, tmp_path)
    app = LhaApp(config, clock=fixed_clock, pick_session=True)
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(
            pilot, lambda: any("no past sessions yet" in str(n.message) for n in app._notifications)
        )


async def test_relative_times_move_on_while_lha_stays_open(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    now = [FIXED_NOW]
    config = app_config(tmp_path / "home", scripted_server, tmp_path)
    app = LhaApp(config, clock=lambda: now[0])
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        row = app.query_one(ThreadSidebar).find(current_id(app))  # type: ignore[arg-type]
        assert row is not None and "just now" in str(row.render())
        now[0] = FIXED_NOW + timedelta(minutes=5)
        app.query_one(ThreadSidebar).refresh_times()
        await pilot.pause()
        assert "5m ago" in str(row.render())
