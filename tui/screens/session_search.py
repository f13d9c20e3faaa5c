"""The search screen: find any past session by what was said in it, open it or fork from there.

Results follow the query as it is typed. Each search runs in a thread (SQLite must never hold
the event loop) from one exclusive worker: a keystroke cancels the search of the previous one
and waits ``DEBOUNCE_S`` before starting its own, so a burst of typing runs one query. The
input keeps the focus; up/down move the results' highlight from there, as in the model picker.

While the index is being built (the first time, or after it was rebuilt) the screen says how
far the build is and searches again as it advances, so the hits already indexed show at once.
The searcher (``Searcher``) is the engine side's; this module knows only its answers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from tui.screens._paint import paint_now
from tui.screens.search_hits import HitList

if TYPE_CHECKING:
    from core.index.search import SearchHit

DEBOUNCE_S = 0.02
"""A keystroke this soon after the previous one waits this long before its search, so a burst
of keys (a paste) runs one query; a keystroke after a pause searches at once."""
PROGRESS_POLL_S = 0.25
"""How often the screen looks at a running index build (and searches again if it advanced)."""
NO_MATCH_TEXT = "no match"
EMPTY_QUERY_TEXT = 'Type words to find (all must match), a "quoted phrase" or a prefix*.'


@dataclass(frozen=True)
class SearchRequest:
    text: str
    all_folders: bool = False
    archived: bool = False


@dataclass(frozen=True)
class SearchOutcome:
    hits: list[SearchHit] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """Session names by thread id (a hit's label when its session has one)."""
    problem: str | None = None
    """One line to show instead of (or above) the hits: a query with nothing to search for,
    sessions whose file vanished, an index that had to be rebuilt."""


@dataclass(frozen=True)
class IndexProgress:
    """How far the index build is (bytes of rollouts to read, in all and so far)."""

    done_bytes: int
    total_bytes: int
    running: bool


class Searcher(Protocol):
    folder: str
    """The folder searched without ``all_folders`` (shown in the screen)."""

    def search(self, request: SearchRequest) -> SearchOutcome:
        """Blocking (SQLite): the screen calls it in a thread."""
        ...

    def progress(self) -> IndexProgress | None:
        """The index build under way or last finished; None before any."""
        ...


@dataclass(frozen=True)
class SearchChoice:
    """What the screen dismisses with: the hit, and whether to fork before its message."""

    hit: SearchHit
    fork: bool = False


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= scale:
            return (
                f"{count / scale:.1f} {unit}"
                if count < 10 * scale
                else f"{count / scale:.0f} {unit}"
            )
    return f"{count} bytes"


def progress_text(progress: IndexProgress) -> str:
    """``indexing sessions: 120 MB of 1.0 GB (12%)…``: what the screen says while the index
    builds (the build counts the bytes of rollouts it reads)."""
    total = max(progress.total_bytes, 1)
    percent = 100 * progress.done_bytes // total
    return (
        f"indexing sessions: {_size(progress.done_bytes)} of {_size(total)} ({percent}%); "
        "the hits below are from what is indexed so far"
    )


def _empty_text(request: SearchRequest, outcome: SearchOutcome) -> Content:
    if not request.text.strip():
        text = EMPTY_QUERY_TEXT
    else:
        text = NO_MATCH_TEXT if outcome.problem is None else ""
    return Content.styled(text, "italic $text-muted")


class _QueryInput(Input):
    """The query field; it starts the search itself, as soon as its text changes.

    Handled here, the change starts the search before the keystroke's echo is painted (the
    search's thread then runs while it is); bubbled up to the screen, it came after that paint.
    Its size is fixed by the screen, so a keystroke needs only the field repainted: Textual's
    Input sets its virtual size (the text's width) on every keystroke, which by default lays
    the whole screen out (~4 ms) before the search could even start.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)

    def __init__(self, value: str, on_change: Callable[[], None], **options: Any) -> None:
        super().__init__(value, **options)
        self._on_change = on_change

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._on_change()


class SessionSearchScreen(ModalScreen[SearchChoice | None]):
    """Type to search every past session; Enter opens the highlighted hit, Ctrl+B forks."""

    DEFAULT_CSS = """
    SessionSearchScreen {
        background: $background;

        #session-search {
            width: 1fr;
            height: 1fr;
            padding: 0 1;
            background: $panel;
            border: round $accent;
            border-title-color: $text-accent;
            border-title-style: bold;
            border-subtitle-color: $text-muted;
        }
        #search-scope {
            color: $text-muted;
            padding: 0 1;
        }
        #search-progress, #search-problem {
            display: none;
            color: $text-warning;
            padding: 0 1;
        }
        #search-results {
            height: 1fr;
            margin-top: 1;
            background: $panel;
            scrollbar-gutter: stable;
            scrollbar-background: $panel;
            scrollbar-background-hover: $panel;
            scrollbar-background-active: $panel;
            & > .hit-list--highlighted {
                background: $block-cursor-background 40%;
            }
        }
    }
    """

    BINDINGS = [
        Binding("enter", "choose(False)", "Open", id="session_search.open", priority=True),
        Binding("ctrl+b", "choose(True)", "Fork here", id="session_search.fork"),
        Binding("ctrl+g", "toggle_folders", "All folders", id="session_search.all_folders"),
        Binding("ctrl+r", "toggle_archived", "Archived", id="session_search.archived"),
        Binding("escape", "cancel", "Close", id="session_search.cancel"),
        Binding("down", "move(1)", "Next", id="session_search.down", show=False),
        Binding("up", "move(-1)", "Previous", id="session_search.up", show=False),
        Binding("pagedown", "page(1)", "Page down", id="session_search.page_down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="session_search.page_up", show=False),
    ]

    def __init__(self, searcher: Searcher, query: str = "") -> None:
        super().__init__()
        self._searcher = searcher
        self._initial_query = query
        self._all_folders = False
        self._archived = False
        self._hits: list[SearchHit] = []
        self._shown: SearchRequest | None = None
        self._choose_when_shown: bool | None = None
        """Enter (False) or Ctrl+B (True) pressed before the typed query's hits came."""
        self._build_seen: IndexProgress | None = None
        self._last_change = 0.0
        self._problem_shown: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="session-search") as box:
            box.border_title = "Search sessions"
            yield _QueryInput(
                self._initial_query,
                self._search_soon,
                placeholder="Search what was said…",
                id="search-query",
            )
            yield Static(id="search-scope", markup=False)
            yield Static(id="search-progress", markup=False)
            yield Static(id="search-problem", markup=False)
            yield HitList(id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        self._show_scope()
        self._follow_build()
        self.set_interval(PROGRESS_POLL_S, self._follow_build)
        self.query_one("#search-query", Input).focus()
        self._search_soon(delay=0.0)

    # -- searching -----------------------------------------------------------------------------

    def request(self) -> SearchRequest:
        """What the screen asks for now: the typed text and the two toggles."""
        text = self.query_one("#search-query", Input).value
        return SearchRequest(text, self._all_folders, self._archived)

    @property
    def hits(self) -> list[SearchHit]:
        """The hits on screen, best first."""
        return list(self._hits)

    def _search_soon(self, delay: float | None = None) -> None:
        """Search for what the screen asks now: at once, or after ``delay`` (by default, a
        debounce when the last change was a moment ago)."""
        now = time.monotonic()
        if delay is None:
            delay = DEBOUNCE_S if now - self._last_change < DEBOUNCE_S else 0.0
            self._last_change = now
        request = self.request()
        if not request.text.strip():
            self.workers.cancel_group(self, "session-search")
            self._show(request, SearchOutcome())
            return
        self._search(request, delay, None if delay else self._in_thread(request))

    def _in_thread(self, request: SearchRequest) -> asyncio.Future[SearchOutcome]:
        """Start the search in the loop's thread pool now: started from the keystroke's
        handler, it runs while the echo is painted, before the worker's task first runs. A
        search whose worker was replaced before awaiting it fails silently (its worker would
        have shown the line); the one awaited still raises."""
        started = asyncio.get_running_loop().run_in_executor(None, self._searcher.search, request)
        started.add_done_callback(lambda done: done.cancelled() or done.exception())
        return started

    @work(exclusive=True, group="session-search", exit_on_error=False)
    async def _search(
        self, request: SearchRequest, delay: float, started: asyncio.Future[SearchOutcome] | None
    ) -> None:
        if started is None:
            await asyncio.sleep(delay)
            started = self._in_thread(request)
        self._show(request, await started)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A search that failed (the index unusable even after healing) is one line, never a
        traceback; the hits already shown stay."""
        if event.worker.group == "session-search" and event.state == WorkerState.ERROR:
            self._show_problem(f"search failed: {event.worker.error}")

    def _show(self, request: SearchRequest, outcome: SearchOutcome) -> None:
        """Put the hits in the list and draw it at once (``paint_now``). Only the list and the
        count change, never what is displayed: hiding or showing a widget lays the whole screen
        out again, which would cost more than the search (``tests/bench/bench_tui_search.py``)."""
        self._shown = request
        self._hits = list(outcome.hits)
        results = self.query_one("#search-results", HitList)
        if self._hits:
            results.show_hits(self._hits, outcome.names)
        else:
            results.show_text(_empty_text(request, outcome))
        self._show_problem(outcome.problem)
        count = len(self._hits)
        subtitle = f"{count} session{'s' * (count != 1)}" if request.text.strip() else ""
        results.after_paint(lambda: self._show_count(subtitle))
        paint_now(results)
        if self._choose_when_shown is not None and request == self.request():
            fork, self._choose_when_shown = self._choose_when_shown, None
            self._choose_highlighted(fork)

    def _show_count(self, subtitle: str) -> None:
        """The number of hits, in the box's bottom border, once the hits are painted: a new
        border repaints the whole box, which took as long again as painting the hits."""
        for box in self.query("#session-search"):  # none once the screen has closed
            if box.border_subtitle != subtitle:
                box.border_subtitle = subtitle

    @property
    def empty_text(self) -> str:
        """What the list says when it holds no hit ("" when it holds some)."""
        return self.query_one("#search-results", HitList).text

    def _show_problem(self, problem: str | None) -> None:
        line = self.query_one("#search-problem", Static)
        if problem != self._problem_shown:
            self._problem_shown = problem
            line.update(problem or "")
            line.display = problem is not None

    def _show_scope(self) -> None:
        where = "every folder" if self._all_folders else f"{self._searcher.folder} and below"
        archived = "archived included" if self._archived else "archived hidden"
        self.query_one("#search-scope", Static).update(
            f"in {where} (Ctrl+G) · {archived} (Ctrl+R) · Enter open · Ctrl+B fork before it"
        )

    # -- the index build -----------------------------------------------------------------------

    def _follow_build(self) -> None:
        """Say how far a running build is; search again when it has indexed more."""
        progress = self._searcher.progress()
        line = self.query_one("#search-progress", Static)
        building = progress is not None and progress.running and progress.total_bytes > 0
        line.display = building
        if progress is not None and building:
            line.update(progress_text(progress))
        seen, self._build_seen = self._build_seen, progress
        advanced = progress is not None and (
            seen is None
            or progress.done_bytes != seen.done_bytes
            or progress.running != seen.running
        )
        if seen is not None and advanced and self.request().text.strip():
            self._search_soon(delay=0.0)

    # -- actions -------------------------------------------------------------------------------

    def action_toggle_folders(self) -> None:
        self._all_folders = not self._all_folders
        self._show_scope()
        self._search_soon(delay=0.0)

    def action_toggle_archived(self) -> None:
        self._archived = not self._archived
        self._show_scope()
        self._search_soon(delay=0.0)

    def action_move(self, step: int) -> None:
        self.query_one("#search-results", HitList).move(step)

    def action_page(self, step: int) -> None:
        self.query_one("#search-results", HitList).page(step)

    def action_choose(self, fork: bool) -> None:
        """Open (or fork from) the highlighted hit; right after typing, once the typed query's
        hits are in, so the hit chosen is one of what was typed."""
        if self._shown != self.request():
            self._choose_when_shown = fork
            return
        self._choose_highlighted(fork)

    def _choose_highlighted(self, fork: bool) -> None:
        index = self.query_one("#search-results", HitList).highlighted
        if index is None or not 0 <= index < len(self._hits):
            self.app.bell()
            return
        self.dismiss(SearchChoice(self._hits[index], fork=fork))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(HitList.Clicked)
    def _clicked(self, event: HitList.Clicked) -> None:
        event.stop()
        self.dismiss(SearchChoice(self._hits[event.index]))
