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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from core.text import first_line, shorten
from tui.screens._safe_text import safe_content

if TYPE_CHECKING:
    from core.index.search import SearchHit
    from core.index.snippet import Snippet

DEBOUNCE_S = 0.02
"""A keystroke this soon after the previous one waits this long before its search, so a burst
of keys (a paste) runs one query; a keystroke after a pause searches at once."""
PROGRESS_POLL_S = 0.25
"""How often the screen looks at a running index build (and searches again if it advanced)."""
NO_MATCH_TEXT = "no match"
EMPTY_QUERY_TEXT = 'Type words to find (all must match), a "quoted phrase" or a prefix*.'
_LABEL_CHARS = 48
SHORT_ID_CHARS = 13
"""A thread id up to its millisecond timestamp, as the status line and the thread list show it
(``ThreadId.short``), so a session and its fork look different."""
_MATCH_STYLE = "bold underline $text-warning"
_ROLE_WORDS = {"user": "you", "assistant": "answer", "tool": "tool output", "name": "name"}


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


def snippet_content(snippet: Snippet) -> Content:
    """The snippet with its matches highlighted; each piece made safe on its own, so the
    highlight positions stay right even where neutralising lengthens the text."""
    pieces: list[Content] = []
    last = 0
    for start, end in snippet.highlights:
        pieces.append(safe_content(snippet.text[last:start]))
        pieces.append(safe_content(snippet.text[start:end], _MATCH_STYLE))
        last = end
    pieces.append(safe_content(snippet.text[last:]))
    return Content.assemble(*pieces)


def hit_prompt(hit: SearchHit, name: str | None) -> Content:
    """Two lines: the session's name (or first message), short id, date, message and role;
    then the snippet with the match highlighted."""
    label = shorten(first_line(name or hit.preview) or "(no message)", _LABEL_CHARS)
    when = hit.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    where = "" if hit.role == "name" else f"#{hit.turn + 1} "
    head = Content.assemble(
        safe_content(label, "bold"),
        "  ",
        Content.styled(hit.thread_id[:SHORT_ID_CHARS], "$text-accent"),
        "  ",
        Content.styled(when, "$foreground-muted"),
        "  ",
        Content.styled(f"{where}{_ROLE_WORDS.get(hit.role, hit.role)}", "$text-secondary"),
    )
    return Content("\n").join([head, Content.assemble("  ", snippet_content(hit.snippet))])


def _empty_text(request: SearchRequest, outcome: SearchOutcome) -> Content:
    if not request.text.strip():
        text = EMPTY_QUERY_TEXT
    else:
        text = NO_MATCH_TEXT if outcome.problem is None else ""
    return Content.styled(text, "italic $text-muted")


def _with_dividers(hits: list[SearchHit], names: dict[str, str]) -> list[Option | None]:
    """The hits' options, a divider line after each (``None``: dividers take no index)."""
    rows: list[Option | None] = []
    for position, hit in enumerate(hits):
        rows += [Option(hit_prompt(hit, names.get(hit.thread_id)), id=f"hit-{position}"), None]
    return rows


class _PassiveOptionList(OptionList, can_focus=False):
    """Driven from the query input: clicks still pick, but it never takes the focus.

    Its height is fixed by the screen, so a new set of hits (a new scrollable height) needs
    only the list repainted: Textual's default lays the whole screen out again on every
    change of a widget's virtual size, which cost more than the search itself. For the same
    reason its scrollbar is always there (``overflow-y: scroll``, on a track the colour of the
    panel, so it looks as before): a scrollbar that comes and goes is a layout too.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)


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
            border: none;
            padding: 0;
            background: $panel;
            text-wrap: nowrap;
            text-overflow: ellipsis;
            scrollbar-gutter: stable;
            overflow-y: scroll;
            scrollbar-background: $panel;
            scrollbar-background-hover: $panel;
            scrollbar-background-active: $panel;
            & > .option-list--option {
                padding: 0 1;
            }
            & > .option-list--option-highlighted {
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
            yield Input(self._initial_query, placeholder="Search what was said…", id="search-query")
            yield Static(id="search-scope", markup=False)
            yield Static(id="search-progress", markup=False)
            yield Static(id="search-problem", markup=False)
            yield _PassiveOptionList(id="search-results")
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

    @on(Input.Changed, "#search-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search_soon()

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
        self._search(request, delay)

    @work(exclusive=True, group="session-search", exit_on_error=False)
    async def _search(self, request: SearchRequest, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        outcome = await asyncio.to_thread(self._searcher.search, request)
        self._show(request, outcome)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A search that failed (the index unusable even after healing) is one line, never a
        traceback; the hits already shown stay."""
        if event.worker.group == "session-search" and event.state == WorkerState.ERROR:
            self._show_problem(f"search failed: {event.worker.error}")

    def _show(self, request: SearchRequest, outcome: SearchOutcome) -> None:
        """Put the hits in the list. Only the list's options and the count change, never what
        is displayed: hiding or showing a widget lays the whole screen out again, which would
        cost more than the search (the figure in ``tests/bench/bench_tui_search.py``)."""
        self._shown = request
        self._hits = list(outcome.hits)
        options = self.query_one("#search-results", OptionList)
        if self._hits:
            options.set_options(_with_dividers(self._hits, outcome.names))
            options.highlighted = 0
        else:
            options.set_options([Option(_empty_text(request, outcome), disabled=True)])
        self._show_problem(outcome.problem)
        count = len(self._hits)
        subtitle = f"{count} session{'s' * (count != 1)}" if request.text.strip() else ""
        box = self.query_one("#session-search")
        if box.border_subtitle != subtitle:
            box.border_subtitle = subtitle
        if self._choose_when_shown is not None and request == self.request():
            fork, self._choose_when_shown = self._choose_when_shown, None
            self._choose_highlighted(fork)

    @property
    def empty_text(self) -> str:
        """What the list says when it holds no hit ("" when it holds some)."""
        options = self.query_one("#search-results", OptionList)
        if self._hits or not options.option_count:
            return ""
        return str(options.get_option_at_index(0).prompt)

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
        options = self.query_one("#search-results", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_page(self, step: int) -> None:
        options = self.query_one("#search-results", OptionList)
        if step > 0:
            options.action_page_down()  # type: ignore[no-untyped-call]
        else:
            options.action_page_up()  # type: ignore[no-untyped-call]

    def action_choose(self, fork: bool) -> None:
        """Open (or fork from) the highlighted hit; right after typing, once the typed query's
        hits are in, so the hit chosen is one of what was typed."""
        if self._shown != self.request():
            self._choose_when_shown = fork
            return
        self._choose_highlighted(fork)

    def _choose_highlighted(self, fork: bool) -> None:
        index = self.query_one("#search-results", OptionList).highlighted
        if index is None or not 0 <= index < len(self._hits):
            self.app.bell()
            return
        self.dismiss(SearchChoice(self._hits[index], fork=fork))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#search-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(SearchChoice(self._hits[event.option_index]))
