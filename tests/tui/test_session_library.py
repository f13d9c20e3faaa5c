"""Names, folders and the way back from a fork in the thread list and the status line.

Real parts throughout: past sessions are real rollouts in a temporary LHA_HOME, names go to the
real names file, threads talk to the scripted server over HTTP, and the app is driven with keys.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from core.protocol.ids import ThreadId
from core.rollout.recorder import RolloutRecorder
from core.session_names import read_names, set_name
from tests.support.agent_harness import past_session
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import (
    chat,
    current_id,
    make_app,
    open_threads,
    thread_on_screen,
    wait_until,
)
from tui.app import LhaApp
from tui.screens.rename import RenameScreen
from tui.start_request import StartRequest
from tui.threads.controller import PAST_PAGE_SIZE
from tui.widgets.sidebar import ElsewhereRow, ThreadListItem, ThreadSidebar
from tui.widgets.status_line import StatusLine
from tui.widgets.transcript import Transcript

SIZE = (120, 34)


def _status(app: LhaApp) -> str:
    return str(app.query_one(StatusLine).render())


def _shown(sidebar: ThreadSidebar) -> list[ThreadListItem]:
    return [item for item in sidebar.rows() if item.display]


async def test_slash_rename_names_the_thread_in_its_row_and_the_status_line(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await chat(pilot, "count the herons")
        await pilot.press(*"/rename bird survey", "enter")
        await wait_until(pilot, lambda: view.name == "bird survey")
        item = app.sidebar.find(view.thread_id)
        assert item is not None and "bird survey" in str(item.render())
        assert "count the herons" not in str(item.render()), "the name replaces the message"
        assert "bird survey" in _status(app)

        await pilot.press(*"/rename heron count", "enter")  # a later rename wins
        await wait_until(pilot, lambda: "heron count" in _status(app))
        assert "heron count" in str(item.render())
    assert read_names(home) == {str(view.thread_id): "heron count"}


async def test_the_rename_key_renames_a_past_session_prefilled_with_its_name(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    older = write_rollout(home, tmp_path, 1, seed=1)
    named = write_rollout(home, tmp_path, 1, seed=2)
    named_id = (await RolloutRecorder.get_rollout_history(named)).thread_id
    set_name(home, named_id, "old name")
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.sidebar
        await wait_until(pilot, lambda: len(sidebar.rows()) == 2)
        item = sidebar.find(named_id)
        assert item is not None
        await wait_until(pilot, lambda: item.row.name == "old name")
        assert "old name" in str(item.render())

        await pilot.press("ctrl+t")
        sidebar.select(named_id)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen))
        field = app.screen.query_one(Input)
        assert field.value == "old name"
        await pilot.press(*"new name", "enter")  # typing replaces the selected name
        await wait_until(pilot, lambda: item.row.name == "new name")
        assert "new name" in str(item.render())
        assert not item.row.live, "renaming does not resume it"

        other = sidebar.find((await RolloutRecorder.get_rollout_history(older)).thread_id)
        assert other is not None
        sidebar.select(other.row.thread_id)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, RenameScreen))
        assert other.row.name is None
    assert read_names(home) == {str(named_id): "new name"}


async def test_the_rename_key_on_a_live_thread_updates_the_status_line(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await chat(pilot, "hello")
        await pilot.press("ctrl+t")
        app.sidebar.select(view.thread_id)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen))
        await pilot.press(*"greeting", "enter")
        await wait_until(pilot, lambda: "greeting" in _status(app))
        assert view.name == "greeting"


async def test_a_bad_name_is_one_line_and_changes_nothing(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await chat(pilot, "hello")
        await pilot.press(*f"/rename {view.thread_id}", "enter")
        await wait_until(pilot, lambda: any("not renamed" in n.message for n in app._notifications))
        assert view.name is None
    assert read_names(home) == {}


async def test_the_filter_finds_names_and_id_prefixes(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    ids = [ThreadId(f"0190a1b2-c3d4-7000-8000-00000000000{n}") for n in range(1, 5)]
    paths = [write_rollout(home, tmp_path, 1, seed=n, thread_id=i) for n, i in enumerate(ids)]
    assert len(paths) == 4
    set_name(home, ids[1], "Heron survey")
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.sidebar
        await wait_until(pilot, lambda: len(sidebar.rows()) == 4)
        await wait_until(pilot, lambda: any(item.row.name for item in sidebar.rows()))
        await pilot.press("ctrl+t", *"heron")
        await pilot.pause()
        assert [item.row.thread_id for item in _shown(sidebar)] == [ids[1]]

        sidebar.query_one("#thread-filter", Input).value = ""
        await pilot.pause()
        assert len(_shown(sidebar)) == 4
        await pilot.press("enter", *"0190a1b2-c3d4-7000-8000-000000000003")  # typed in the list
        await pilot.pause()
        assert [item.row.thread_id for item in _shown(sidebar)] == [ids[2]]
        sidebar.query_one("#thread-filter", Input).value = "0190A1B2-C3"  # any case
        await pilot.pause()
        assert len(_shown(sidebar)) == 4


async def test_this_folders_sessions_first_and_ctrl_g_shows_every_folder(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    project, other = tmp_path / "project", tmp_path / "other"
    mine = write_rollout(home, project, 1, seed=1)
    below = write_rollout(home, project / "sub", 1, seed=2)
    write_rollout(home, other, 1, seed=3)
    sibling = write_rollout(home, tmp_path / "project-b", 1, seed=4)  # not below: a sibling
    app = make_app(home, scripted_server, project)
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.sidebar
        elsewhere = sidebar.query_one(ElsewhereRow)
        await wait_until(pilot, lambda: elsewhere.display)
        shown = {item.row.path for item in sidebar.rows()}
        assert shown == {mine, below}
        assert " ".join(str(elsewhere.render()).split()) == (
            "2 more in other folders Ctrl+G shows them"
        )

        await pilot.press("ctrl+t", *sibling.stem[-36:])  # the filter counts what it finds aside
        await wait_until(pilot, lambda: "1 more in other folders" in str(elsewhere.render()))
        sidebar.query_one("#thread-filter", Input).value = ""
        await pilot.press("ctrl+t", "ctrl+g")
        await wait_until(pilot, lambda: len(sidebar.rows()) == 4)
        created = [item.row.created_at for item in sidebar.rows()]
        assert created == sorted(created, reverse=True), "newest first, every folder mixed"
        assert "this folder's only" in str(elsewhere.render())

        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: len(sidebar.rows()) == 2)
        assert {item.row.path for item in sidebar.rows()} == {mine, below}


async def test_this_folders_older_sessions_are_read_in_the_background(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """The newest page holds only other folders' sessions: the next page is read by itself
    until this folder's fill the list."""
    home = tmp_path / "home"
    project = tmp_path / "project"
    mine = [write_rollout(home, project, 1, seed=n) for n in range(2)]
    for seed in range(PAST_PAGE_SIZE + 5):
        write_rollout(home, tmp_path / "elsewhere", 1, seed=10 + seed)
    app = make_app(home, scripted_server, project)
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.sidebar
        await wait_until(pilot, lambda: len(sidebar.rows()) == 2, within_s=10)
        assert {item.row.path for item in sidebar.rows()} == set(mine)
        elsewhere = sidebar.query_one(ElsewhereRow)
        await wait_until(pilot, lambda: f"{PAST_PAGE_SIZE + 5} more" in str(elsewhere.render()))


async def test_slash_fork_copies_the_whole_thread(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        source = await chat(pilot, "first", "second")
        await pilot.press(*"/fork", "enter")
        await wait_until(pilot, lambda: current_id(app) not in (None, source.thread_id))
        fork = thread_on_screen(app)
        assert fork.forked_from_id == source.thread_id
        assert [e.text for e in fork.transcript.entries if e.kind == "user"] == ["first", "second"]
        assert fork.fork_note == "forked (whole thread)"


def _marked_user_text(transcript: Transcript) -> str:
    """The text of the entry the transcript marks as the current one (find's mark)."""
    marked = [i for i in range(len(transcript.entries)) if transcript.find_mark(i) == "current"]
    assert len(marked) == 1, marked
    entry = transcript.entries[marked[0]]
    assert entry.kind == "user"
    return entry.text


async def test_p_in_a_fork_opens_its_parent_at_the_fork_point(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    parent = await past_session(tmp_path, scripted_server, "one", "two", "three")
    parent_id = (await RolloutRecorder.get_rollout_history(parent)).thread_id
    start = StartRequest("fork", parent, fork_at=1)
    app = make_app(tmp_path / "home", scripted_server, tmp_path, start=start)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        fork = thread_on_screen(app)
        await chat(pilot, "two, differently")
        fork.transcript.focus()
        await pilot.press("p")  # the parent is a past session: resumed
        await wait_until(pilot, lambda: current_id(app) == parent_id, within_s=10)
        shown = thread_on_screen(app)
        await wait_until(pilot, lambda: any(m == "current" for m in _marks(shown.transcript)))
        assert _marked_user_text(shown.transcript) == "two", "the message the fork replaced"
        assert app.transcripts.visible_content is shown.transcript

        await pilot.press("ctrl+t")
        app.sidebar.select(fork.thread_id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_id(app) == fork.thread_id)
        await pilot.press(*"/parent", "enter")  # now open here: shown, not resumed again
        await wait_until(pilot, lambda: current_id(app) == parent_id)
        assert len(open_threads(app)) == 2


def _marks(transcript: Transcript) -> list[str]:
    return [transcript.find_mark(i) for i in range(len(transcript.entries))]


async def test_p_on_a_thread_that_is_no_fork_says_so(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = await chat(pilot, "hello")
        await pilot.press(*"/parent", "enter")
        await wait_until(pilot, lambda: any("not a fork" in n.message for n in app._notifications))
        assert current_id(app) == view.thread_id
