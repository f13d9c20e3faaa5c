"""The thread sidebar: live threads first (forks under their parent), then past sessions.

New threads arrive one at a time from the manager's broadcast and are inserted in place; past
sessions are read a page at a time from the rollout heads as the user scrolls. Typing in the
filter hides rows that do not match.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, ListItem, ListView

from core.sanitize import neutralize_terminal_escapes
from core.text import first_line, shorten
from tui.fork_families import family_order

if TYPE_CHECKING:
    from core.protocol.ids import ThreadId
    from core.rollout.listing import ThreadItem, ThreadsPage

PageLoader = Callable[[str | None], Awaitable["ThreadsPage"]]
Clock = Callable[[], datetime]
LOAD_MORE_WITHIN = 5
PAST_PAGE_SIZE = 50
"""Past sessions read at a time."""


@dataclass(frozen=True)
class ThreadRow:
    thread_id: ThreadId
    preview: str
    created_at: datetime
    live: bool
    model: str | None = None
    forked_from_id: ThreadId | None = None
    fork_note: str | None = None
    path: Path | None = None
    running: bool = False
    """A turn is under way (the row says so, for threads not on screen)."""
    origin: str = "lha"
    """``codex`` for a session the Codex CLI wrote (the row says so)."""

    @property
    def first_line(self) -> str:
        """The preview's first line, as rows and dialogs show it ("" for a blank preview)."""
        return first_line(self.preview)

    @classmethod
    def from_item(cls, item: ThreadItem) -> ThreadRow:
        return cls(
            thread_id=item.thread_id,
            preview=item.preview,
            created_at=item.created_at,
            live=False,
            model=item.model or item.model_provider,
            forked_from_id=item.forked_from_id,
            path=item.path,
            origin=item.origin,
        )


@dataclass(frozen=True)
class RowsPage:
    """Past sessions' rows read before the sidebar exists (``tui.first_page``)."""

    rows: list[ThreadRow]
    next_cursor: str | None
    """Where the page loader goes on from; None when there is nothing after."""


def relative_time(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"  # pragma: no cover


class ThreadListItem(ListItem):
    """One row, drawn by the item itself (no child widget: the first frame composes a screenful
    of them, and each widget costs layout time)."""

    def __init__(self, row: ThreadRow, clock: Clock) -> None:
        self.row = row
        self._clock = clock
        self._text = self._render_row()
        super().__init__(classes="thread-row live" if row.live else "thread-row")

    def render(self) -> Text:
        return self._text

    def _render_row(self) -> Text:
        row = self.row
        title = row.first_line or "(new thread)"
        text = Text()
        if row.forked_from_id is not None:
            text.append("↳ ", style="bold cyan")
        if row.running:
            text.append("◐ ", style="yellow")
        else:
            text.append("● " if row.live else "  ", style="green")
        text.append(neutralize_terminal_escapes(shorten(title, 80)))
        details: list[str] = []
        if row.fork_note:  # lineage first: a narrow sidebar cuts the end of the line
            details.append(row.fork_note)
        elif row.forked_from_id is not None:
            details.append(f"fork of {row.forked_from_id.short}")
        if row.running:
            details.append("working")
        if row.origin == "codex":
            details.append("Codex")
        details.append(relative_time(row.created_at, self._clock()))
        if row.model:
            details.append(row.model)
        text.append("\n    " + " · ".join(details), style="dim")
        return text

    def update_row(self, row: ThreadRow) -> None:
        self.row = row
        self._text = self._render_row()
        self.refresh(layout=True)

    def matches(self, query: str) -> bool:
        return not query or query.lower() in self.row.preview.lower()


class SectionHeader(ListItem):
    def __init__(self, title: str, section: str) -> None:
        super().__init__(Label(title, markup=False), classes="section-header", disabled=True)
        self.section = section


FIRST_FRAME_CHROME = 8
"""Lines of the screen that are not rows of past sessions: the filter, the section headers, the
footer. The first frame composes only the rows that fit below them: one row more shows a
scrollbar, and laying that out costs more than the rest of the first frame."""

TIME_REFRESH_S = 30.0
"""How often the rows' relative times are redrawn."""


class ThreadSidebar(Vertical):
    BINDINGS = [
        Binding("/", "focus_filter", "Filter", show=False, id="sidebar.filter"),
        Binding("ctrl+a", "archive_session", "Archive", show=False, id="sidebar.archive"),
        Binding("delete", "delete_session", "Delete", show=False, id="sidebar.delete"),
        Binding("ctrl+f", "app.search_sessions", "Search", show=False, id="sidebar.search"),
    ]

    @dataclass
    class Chosen(Message):
        row: ThreadRow

    @dataclass
    class ArchiveAsked(Message):
        row: ThreadRow

    @dataclass
    class DeleteAsked(Message):
        row: ThreadRow

    def __init__(
        self,
        load_page: PageLoader,
        clock: Clock,
        *,
        first_page: RowsPage | None = None,
        id: str | None = None,
    ) -> None:
        """``first_page``: rows to compose with the sidebar itself (lha's first frame); the
        page loader goes on from its cursor."""
        super().__init__(id=id)
        self._load_page = load_page
        self._clock = clock
        self._first_page = first_page
        self._cursor = first_page.next_cursor if first_page is not None else None
        self._exhausted = first_page is not None and first_page.next_cursor is None
        self._loading = False
        self._started = first_page is not None
        self._rest_of_first_page: list[ThreadRow] = []
        self._query = ""
        self._focus_past_when_loaded = False

    def on_mount(self) -> None:
        self.set_interval(TIME_REFRESH_S, self.refresh_times)
        if self._rest_of_first_page:
            self.call_after_refresh(self._add_rest_of_first_page)

    async def _add_rest_of_first_page(self) -> None:
        """The first page's rows below the screen, right after the first frame."""
        rows, self._rest_of_first_page = self._rest_of_first_page, []
        try:
            await self.list_view.extend(ThreadListItem(row, self._clock) for row in rows)
        finally:
            self._loading = False

    def refresh_times(self) -> None:
        """Redraw the rows' relative times ("just now" becomes "5m ago" as lha stays open)."""
        for item in self.rows():
            item.update_row(item.row)

    def compose(self) -> ComposeResult:
        # No select-on-focus: typing in the list moves here with the key already typed.
        yield Input(placeholder="filter threads", id="thread-filter", select_on_focus=False)
        rows = self._first_page.rows if self._first_page is not None else []
        fit = max(1, (self.app.size.height - FIRST_FRAME_CHROME) // 2)
        rows, self._rest_of_first_page = rows[:fit], rows[fit:]
        self._loading = bool(self._rest_of_first_page)  # no next page before these are in
        yield ListView(
            SectionHeader("LIVE", "live"),
            SectionHeader("PAST SESSIONS", "past"),
            *(ThreadListItem(row, self._clock) for row in rows),
            id="thread-list",
        )

    @property
    def has_first_page(self) -> bool:
        """Whether the first page of past sessions came with the sidebar (no need to ask)."""
        return self._first_page is not None

    @property
    def list_view(self) -> ListView:
        return self.query_one("#thread-list", ListView)

    def rows(self) -> list[ThreadListItem]:
        return [c for c in self.list_view.children if isinstance(c, ThreadListItem)]

    def find(self, thread_id: ThreadId) -> ThreadListItem | None:
        return next((r for r in self.rows() if r.row.thread_id == thread_id), None)

    def _past_header_index(self) -> int:
        for index, child in enumerate(self.list_view.children):
            if isinstance(child, SectionHeader) and child.section == "past":
                return index
        return len(self.list_view.children)

    async def upsert_live(self, row: ThreadRow) -> None:
        """Redraw a live thread's row, or insert it: after its parent's family for a fork, else
        at the live end. A resumed past session keeps the lineage its row showed."""
        existing = self.find(row.thread_id)
        if existing is not None and row.forked_from_id is None:
            row = replace(row, forked_from_id=existing.row.forked_from_id)
        if existing is not None and existing.row.live:
            existing.update_row(row)
            return
        if existing is not None:  # a past session resumed
            await existing.remove()
        children = list(self.list_view.children)
        index = self._past_header_index()
        if row.forked_from_id is not None:
            parent = next(
                (
                    i
                    for i, c in enumerate(children)
                    if isinstance(c, ThreadListItem)
                    and c.row.live
                    and c.row.thread_id == row.forked_from_id
                ),
                None,
            )
            if parent is not None:
                index = parent + 1
                while (
                    index < len(children)
                    and isinstance(children[index], ThreadListItem)
                    and children[index].row.live  # type: ignore[attr-defined]
                    and children[index].row.forked_from_id is not None  # type: ignore[attr-defined]
                ):
                    index += 1
        item = ThreadListItem(row, self._clock)
        item.display = item.matches(self._query)
        await self.list_view.insert(index, [item])

    async def remove_row(self, thread_id: ThreadId) -> None:
        """Take a session's row out (archived or deleted); the highlight stays in place."""
        item = self.find(thread_id)
        if item is not None:
            await item.remove()

    def select(self, thread_id: ThreadId) -> None:
        for index, child in enumerate(self.list_view.children):
            if isinstance(child, ThreadListItem) and child.row.thread_id == thread_id:
                self.list_view.index = index
                return

    # -- past sessions, paged -----------------------------------------------------------------

    @work(group="sidebar-pages", exit_on_error=False)
    async def load_next_page(self) -> None:
        """Append the next page of past sessions. Not an exclusive worker: moving rows below
        changes the highlight, which asks for a page again, and that must not cancel this one
        (``_loading`` already turns such a call away)."""
        if self._exhausted or self._loading:
            return
        self._started = True
        self._loading = True
        try:
            page = await self._load_page(self._cursor)
            self._cursor = page.next_cursor
            self._exhausted = page.next_cursor is None
            known = {r.row.thread_id for r in self.rows()}
            fresh = [ThreadRow.from_item(t) for t in page.items if t.thread_id not in known]
            # Forks shown on an earlier page whose parent is on this one move under it.
            parents = {row.thread_id for row in fresh}
            moving = [
                item
                for item in self.rows()
                if not item.row.live and item.row.forked_from_id in parents
            ]
            if moving:
                await self.list_view.remove_items(
                    [self.list_view.children.index(item) for item in moving]
                )
            items = []
            for row in family_order([*fresh, *(item.row for item in moving)]):
                item = ThreadListItem(row, self._clock)
                item.display = item.matches(self._query)
                items.append(item)
            if items:
                await self.list_view.extend(items)
        finally:
            self._loading = False
        if self._focus_past_when_loaded:
            self._focus_past_when_loaded = False
            self.focus_past()

    @on(ListView.Highlighted, "#thread-list")
    def _maybe_load_more(self, event: ListView.Highlighted) -> None:
        if self._cursor is None and not self._exhausted and not self._started:
            return  # the first page is asked for by the app, after its first frame
        index = self.list_view.index
        if index is not None and len(self.list_view.children) - index <= LOAD_MORE_WITHIN:
            self.load_next_page()

    @on(ListView.Selected, "#thread-list")
    def _chosen(self, event: ListView.Selected) -> None:
        if isinstance(event.item, ThreadListItem):
            self.post_message(self.Chosen(event.item.row))

    # -- filter -------------------------------------------------------------------------------

    @on(Input.Changed, "#thread-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._query = event.value.strip()
        for item in self.rows():
            item.display = item.matches(self._query)

    @on(Input.Submitted, "#thread-filter")
    def _to_list(self, event: Input.Submitted) -> None:
        self.list_view.focus()

    def _highlighted(self) -> ThreadRow | None:
        item = self.list_view.highlighted_child
        return item.row if isinstance(item, ThreadListItem) else None

    def action_archive_session(self) -> None:
        row = self._highlighted()
        if row is not None:
            self.post_message(self.ArchiveAsked(row))

    def action_delete_session(self) -> None:
        row = self._highlighted()
        if row is not None:
            self.post_message(self.DeleteAsked(row))

    def action_focus_filter(self) -> None:
        self.query_one("#thread-filter", Input).focus()

    def on_key(self, event: events.Key) -> None:
        """Type to filter: a printable key pressed in the list starts the filter with it."""
        if (
            self.list_view.has_focus
            and event.is_printable
            and event.character
            and not event.character.isspace()
            and event.character != "/"  # the filter binding itself
        ):
            event.stop()
            event.prevent_default()
            filter_input = self.query_one("#thread-filter", Input)
            filter_input.insert_text_at_cursor(event.character)
            filter_input.focus()

    def focus_past(self) -> None:
        """Put the user on the newest past session (once the first page is in, if need be)."""
        self.list_view.focus()
        past = self._past_header_index()
        if past + 1 < len(self.list_view.children):
            self.list_view.index = past + 1
        elif self._exhausted:
            self.app.notify("no past sessions yet: type a message to start one")
        else:
            self._focus_past_when_loaded = True
            self.load_next_page()


def now_utc() -> datetime:
    return datetime.now(UTC)
