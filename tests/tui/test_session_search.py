"""The search screen, driven as a user does: real rollouts in a temp LHA_HOME, the real index.

Ctrl+F in the thread list (or ``/search QUERY``) opens it; typing shows hits; Enter opens the
session at the matching message, highlighted; Ctrl+B forks before it; while the first index
build runs, the screen says how far it is and shows what it has.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from core.index import updater
from core.index.database import index_path
from core.protocol.events import AgentMessage, UserMessageEvent
from core.protocol.ids import ThreadId
from core.protocol.items import assistant_message, user_message
from core.protocol.rollout import EventRecord, RolloutItem, TranscriptRecord
from core.rollout.user_turns import read_user_turns
from core.session_names import set_name
from tests.support.rollout_factory import turn_items, write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import (
    current_id,
    make_app,
    open_threads,
    thread_on_screen,
    wait_until,
)
from tests.tui.modal_host import ModalHost, no_blink, settle
from tui.app import LhaApp
from tui.screens.search_hits import HitList
from tui.screens.session_search import NO_MATCH_TEXT, SessionSearchScreen
from tui.threads.library_search import LibrarySearch
from tui.widgets.composer import Composer
from tui.widgets.find_bar import FindBar

SIZE = (120, 40)
HERON_ANSWER = "Count each grey heron twice near the pond, then divide."
QUESTION = "How do we count the birds at the pond?"


def said(question: str, answer: str) -> list[RolloutItem]:
    return [
        TranscriptRecord(payload=user_message(question)),
        EventRecord(payload=UserMessageEvent(message=question)),
        TranscriptRecord(payload=assistant_message(answer)),
        EventRecord(payload=AgentMessage(message=answer)),
    ]


def session(home: Path, cwd: Path, hit: list[RolloutItem], after: int = 10, seed: int = 1) -> Path:
    """Turn 0 of random words, then ``hit`` (turn 1), then ``after`` more random turns."""
    rng = random.Random(seed)
    later = [item for n in range(2, 2 + after) for item in turn_items(rng, n, str(cwd), "m")]
    return write_rollout(home, cwd, 1, seed=seed, tail=[*hit, *later])


def thread_id_of(path: Path) -> str:
    return path.stem[-36:]


def search_screen(app: App[Any]) -> SessionSearchScreen:
    screen = app.screen
    assert isinstance(screen, SessionSearchScreen)
    return screen


def hit_ids(app: LhaApp) -> list[str]:
    return [hit.thread_id for hit in search_screen(app).hits]


def shown(app: App[Any], selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


async def open_search(pilot: Pilot[None]) -> None:
    """Ctrl+T to the thread list, Ctrl+F there."""
    app = pilot.app
    assert isinstance(app, LhaApp)
    await wait_until(pilot, lambda: app.controller is not None)
    await pilot.press("ctrl+t", "ctrl+f")
    await wait_until(pilot, lambda: isinstance(app.screen, SessionSearchScreen))


async def type_query(pilot: Pilot[None], text: str) -> None:
    app = pilot.app
    assert isinstance(app, LhaApp)
    await pilot.press(*text)
    screen = search_screen(app)
    await wait_until(pilot, lambda: screen._shown == screen.request())


@dataclass(frozen=True)
class Library:
    """A temp LHA_HOME with three sessions, and where lha runs."""

    home: Path
    here: Path
    """lha's folder."""
    heron: Path
    """A session here with "heron" in turn 1's answer (another session here has none)."""
    far: Path
    """A session in another folder with "heron" in its question."""


@pytest.fixture
def library(tmp_path: Path) -> Library:
    home, here, elsewhere = tmp_path / "home", tmp_path / "project", tmp_path / "other"
    heron = session(home, here, said(QUESTION, HERON_ANSWER), seed=1)
    session(home, here, said("What about the ducks?", "Ducks are counted once."), seed=2)
    far = session(home, elsewhere, said("Is the heron count right?", "Yes."), after=0, seed=3)
    return Library(home, here, heron, far)


@asynccontextmanager
async def searching(
    home: Path, cwd: Path, server: ScriptedServer
) -> AsyncIterator[tuple[Pilot[None], LhaApp]]:
    """lha in ``cwd`` over ``home``, its search screen open (what every test here starts from)."""
    app = make_app(home, server, cwd)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        yield pilot, app


async def test_typing_shows_hits_of_this_folder_and_ctrl_g_widens(
    library: Library, scripted_server: ScriptedServer
) -> None:
    heron, far = library.heron, library.far
    async with searching(library.home, library.here, scripted_server) as (pilot, app):
        await type_query(pilot, "heron")
        assert hit_ids(app) == [thread_id_of(heron)]
        assert search_screen(app).hits[0].role == "assistant"
        assert search_screen(app).hits[0].turn == 1
        prompt = app.screen.query_one("#search-results", HitList).hit_text(0)
        assert thread_id_of(heron)[:13] in prompt and "#2 answer" in prompt
        assert "grey heron twice" in prompt
        box = app.screen.query_one("#session-search")
        await wait_until(pilot, lambda: box.border_subtitle == "1 session")

        await pilot.press("ctrl+g")
        screen = search_screen(app)
        await wait_until(pilot, lambda: len(screen.hits) == 2)
        assert set(hit_ids(app)) == {thread_id_of(heron), thread_id_of(far)}
        assert "every folder" in shown(app, "#search-scope")
        await wait_until(pilot, lambda: box.border_subtitle == "2 sessions")

        await pilot.press(*" flamingo")
        await wait_until(pilot, lambda: screen._shown == screen.request())
        assert hit_ids(app) == [] and search_screen(app).empty_text == NO_MATCH_TEXT

        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SessionSearchScreen))


async def both_herons(pilot: Pilot[None]) -> SessionSearchScreen:
    """Every folder, "heron" typed: two hits."""
    await pilot.press("ctrl+g")
    await type_query(pilot, "heron")
    app = pilot.app
    assert isinstance(app, LhaApp)
    screen = search_screen(app)
    assert len(screen.hits) == 2
    return screen


def first_style(results: HitList, y: int) -> object:
    """The style line ``y`` of the list starts with (a highlighted hit's differs)."""
    return next(iter(results.render_line(y))).style


async def test_keys_move_the_highlight_and_enter_opens_the_highlighted_hit(
    library: Library, scripted_server: ScriptedServer
) -> None:
    async with searching(library.home, library.here, scripted_server) as (pilot, app):
        screen = await both_herons(pilot)
        results = screen.query_one("#search-results", HitList)
        first, second = (first_style(results, y) for y in (0, 3))
        assert results.highlighted == 0 and first != second
        await pilot.press("down", "down")  # the second stays on the last hit
        assert results.highlighted == 1
        assert [first_style(results, y) for y in (0, 3)] == [second, first]
        await pilot.press("pageup")
        assert results.highlighted == 0
        await pilot.press("pagedown")
        assert results.highlighted == 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_id(app) == ThreadId(screen.hits[1].thread_id))


async def test_a_click_on_a_hit_opens_it_and_one_on_a_rule_does_nothing(
    library: Library, scripted_server: ScriptedServer
) -> None:
    async with searching(library.home, library.here, scripted_server) as (pilot, app):
        screen = await both_herons(pilot)
        await pilot.click("#search-results", offset=(10, 2))  # the rule under the first hit
        await pilot.pause()
        assert app.screen is screen
        await pilot.click("#search-results", offset=(10, 4))  # the second hit's snippet
        await wait_until(pilot, lambda: current_id(app) == ThreadId(screen.hits[1].thread_id))


async def test_a_query_longer_than_its_field_keeps_its_end_in_view(
    library: Library, scripted_server: ScriptedServer
) -> None:
    """The field's text grows without a layout of the screen; it still scrolls to the cursor."""
    async with searching(library.home, library.here, scripted_server) as (pilot, app):
        field = search_screen(app).query_one("#search-query", Input)
        await type_query(pilot, "heron " * 25 + "end")
        assert field.scroll_x > 0
        assert "heron end" in field.render_line(0).text


async def test_enter_opens_the_session_at_the_matching_message_highlighted(
    library: Library, scripted_server: ScriptedServer
) -> None:
    heron = library.heron
    async with searching(library.home, library.here, scripted_server) as (pilot, app):
        await pilot.press(*"heron", "enter")
        await wait_until(pilot, lambda: current_id(app) == ThreadId(thread_id_of(heron)))
        transcript = thread_on_screen(app).transcript
        target = next(i for i, e in enumerate(transcript.entries) if e.text == HERON_ANSWER)
        await wait_until(pilot, lambda: transcript.find_mark(target) == "current")
        find_bar = app.query_one(FindBar)
        assert find_bar.display and find_bar.input.value == "heron"
        assert target < len(transcript.entries) - 10  # far from the bottom it opened at

        def on_screen() -> bool:
            widget = transcript.view_at(target)
            if widget is None:
                return False
            top = transcript.scroll_y
            bottom = top + transcript.scrollable_content_region.height
            return top <= widget.virtual_region.y < bottom

        await wait_until(pilot, on_screen)

        # The session is open now: searching again and choosing it just shows it.
        await pilot.press("escape")
        await open_search(pilot)
        await pilot.press(*"heron", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, SessionSearchScreen))
        await pilot.pause(0.1)
        assert len(open_threads(app)) == 1
        assert current_id(app) == ThreadId(thread_id_of(heron))


async def test_ctrl_b_forks_before_the_matching_message(
    library: Library, scripted_server: ScriptedServer
) -> None:
    heron = library.heron
    async with searching(library.home, library.here, scripted_server) as (pilot, app):
        await pilot.press(*"heron", "ctrl+b")
        await wait_until(pilot, lambda: current_id(app) is not None)
        fork = thread_on_screen(app)
        assert fork.forked_from_id == ThreadId(thread_id_of(heron))
        assert fork.fork_note == "forked before #2"
        assert app.query_one(Composer).text == QUESTION
        assert fork.rollout_path is not None
        turns = await read_user_turns(fork.rollout_path)
        assert len(turns) == 1  # turn 0 kept; the heron question goes back to the composer
        assert heron.read_bytes().count(b"heron") > 0  # the source is untouched, still there


async def test_slash_search_prefills_and_bad_queries_get_one_line(
    library: Library, scripted_server: ScriptedServer
) -> None:
    heron = library.heron
    app = make_app(library.home, scripted_server, library.here)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.controller is not None)
        await pilot.press(*"/search grey heron", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionSearchScreen))
        screen = search_screen(app)
        field = screen.query_one("#search-query", Input)
        assert field.value == "grey heron"
        await wait_until(pilot, lambda: hit_ids(app) == [thread_id_of(heron)])

        for bad in ('"', "AND", "*"):
            field.value = bad
            await wait_until(pilot, lambda: screen._shown == screen.request())
            assert hit_ids(app) == []
            assert shown(app, "#search-problem").startswith("nothing to search for")
        field.value = "heron\x00 AND"
        await wait_until(pilot, lambda: hit_ids(app) == [thread_id_of(heron)])
        assert shown(app, "#search-problem") == ""


async def test_the_first_build_shows_progress_and_the_hits_found_so_far(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, here = tmp_path / "home", tmp_path / "project"
    sessions = 18  # fewer than the screen shows (HIT_LIMIT)
    for seed in range(sessions):
        session(home, here, said(f"heron question {seed}", "an answer"), after=2, seed=seed)
    monkeypatch.setattr(updater, "BATCH_FILES", 3)  # six batches, each one slowed below
    recorded = LibrarySearch._record

    def slowly(self: LibrarySearch, done: int, total: int) -> None:
        recorded(self, done, total)
        time.sleep(0.25)

    monkeypatch.setattr(LibrarySearch, "_record", slowly)
    async with searching(home, here, scripted_server) as (pilot, app):
        await pilot.press(*"heron")
        screen = search_screen(app)
        partial: list[int] = []

        def partly_built() -> bool:
            if "indexing sessions:" in shown(app, "#search-progress") and screen.hits:
                partial.append(len(screen.hits))
            return bool(partial)

        await wait_until(pilot, partly_built, within_s=10)
        assert 0 < partial[0] < sessions
        assert "of" in shown(app, "#search-progress")
        await wait_until(pilot, lambda: len(screen.hits) == sessions, within_s=15)
        await wait_until(pilot, lambda: shown(app, "#search-progress") == "")


async def test_hits_are_redrawn_at_a_new_width(library: Library) -> None:
    searcher = LibrarySearch(library.home, library.here)
    searcher.start_refresh()
    searcher.wait_for_refresh(30)
    app = ModalHost(lambda: SessionSearchScreen(searcher, "heron"))
    async with app.run_test(size=SIZE) as pilot:
        screen = search_screen(app)
        await wait_until(pilot, lambda: len(screen.hits) == 1)
        results = screen.query_one("#search-results", HitList)
        for width, cut in ((40, True), (140, False)):
            before = results.size.width
            await pilot.resize_terminal(width, SIZE[1])
            await wait_until(pilot, lambda w=before: results.size.width != w)  # type: ignore[misc]
            line = results.render_line(1)  # the snippet: the answer, cut only when narrow
            assert line.cell_length == results.scrollable_content_region.width
            assert line.text.rstrip().endswith("…") == cut
    searcher.close()


async def test_a_search_that_fails_is_one_line_and_the_screen_stays(library: Library) -> None:
    """An index the reader cannot use, and healing cannot fix (a table gone from under it):
    one line on the screen, never a traceback."""
    searcher = LibrarySearch(library.home, library.here)
    searcher.start_refresh()
    searcher.wait_for_refresh(30)
    with sqlite3.connect(index_path(library.home)) as connection:
        connection.execute("DROP TABLE messages")
    app = ModalHost(lambda: SessionSearchScreen(searcher))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"heron")
        await wait_until(pilot, lambda: shown(app, "#search-problem").startswith("search failed"))
        assert "messages" in shown(app, "#search-problem")
        assert isinstance(app.screen, SessionSearchScreen) and app.screen.hits == []
    searcher.close()


SNAPSHOT_CWD = Path("/work/project")
SNAPSHOT_IDS = [f"0190a1b2-c3d{n}-7000-8000-0000000000{n:02d}" for n in range(1, 4)]


@pytest.fixture
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dates are shown in local time; pin the zone so the snapshot is stable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_snapshot_search_screen_with_hits(
    snap_compare: Any, tmp_path: Path, utc_clock: None
) -> None:
    home = tmp_path / "home"
    texts = [
        ("Why is the heron count [bold]off[/] by one?", "The heron at the edge was counted twice."),
        ("Rename the survey script", "Renamed it; the heron totals are unchanged."),
        ("Plot the ducks", "Done: the heron in ducks.png [bold]is not markup[/]."),
    ]
    for index, (thread_id, (question, answer)) in enumerate(zip(SNAPSHOT_IDS, texts, strict=True)):
        path = write_rollout(
            home, SNAPSHOT_CWD, 1, thread_id=ThreadId(thread_id), seed=index,
            tail=said(question, answer),
        )  # fmt: skip
        stamp = 1_795_000_000 + 3600 * index
        os.utime(path, (stamp, stamp))
    set_name(home, ThreadId(SNAPSHOT_IDS[1]), "bird survey")
    searcher = LibrarySearch(home, SNAPSHOT_CWD)
    searcher.start_refresh()
    searcher.wait_for_refresh(30)

    async def with_hits(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SessionSearchScreen)
        await wait_until(pilot, lambda: len(screen.hits) == 3)
        await no_blink(pilot)

    app = ModalHost(lambda: SessionSearchScreen(searcher, "heron"))
    assert snap_compare(app, terminal_size=SIZE, run_before=with_hits)
