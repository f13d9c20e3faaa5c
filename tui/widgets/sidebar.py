"""The thread sidebar: live threads first (forks under their parent), then past sessions.

New threads arrive one at a time from the manager's broadcast and are inserted in place; past
sessions are read a page at a time from the rollout heads as the user scrolls. Typing in the
filter hides rows that do not match (by first message, name or the start of the id).

Past sessions started in another folder than lha's are kept aside, not mounted: a user in a
project expects that project's sessions, as in the Codex CLI's and Claude Code's pickers. The
last row says how many are aside and that Ctrl+G shows every folder's (and back). When a page
brings too few of this folder's sessions to fill the screen, the next is read in the background.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, ListItem, ListView

from tui.fork_families import family_order
from tui.session_folders import rows_of_folder
from tui.thread_rows import FIRST_FRAME_CHROME, RowsPage, ThreadRow, row_lines

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from core.protocol.ids import ThreadId
    from core.rollout.listing import ThreadsPage

PageLoader = Callable[[str | None], Awaitable["ThreadsPage"]]
Clock = Callable[[], datetime]
LOAD_MORE_WITHIN = 5


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
        title, details = row_lines(self.row, self._clock())
        text = Text()
        for chunk, style in title:
            text.append(chunk, style=style)
        text.append("\n")
        for chunk, style in details:
            text.append(chunk, style=style)
        return text

    def update_row(self, row: ThreadRow) -> None:
        self.row = row
        self._text = self._render_row()
        self.refresh(layout=True)

    def matches(self, query: str) -> bool:
        return self.row.matches(query)


class SectionHeader(ListItem):
    def __init__(self, title: str, section: str) -> None:
        super().__init__(Label(title, markup=False), classes="section-header", disabled=True)
        self.section = section


class ElsewhereRow(ListItem):
    """The last row: how many past sessions of other folders are kept aside, and the key that
    shows them (or, once shown, that goes back to this folder's). Enter on it does the same."""

    def __init__(self) -> None:
        super().__init__(classes="elsewhere-row")
        self.display = False
        self._text = Text()

    def render(self) -> Text:
        return self._text

    def show(self, aside: int, more: bool, showing_all: bool, any_elsewhere: bool) -> None:
        """``aside`` sessions of other folders kept aside, ``more`` maybe still unread."""
        if showing_all:
            what, key = "every folder's sessions", "Ctrl+G: this folder's only"
            self.display = any_elsewhere
        else:
            count = f"{aside}+" if more else str(aside)
            what, key = f"{count} more in other folders", "Ctrl+G shows them"
            self.display = aside > 0
        self._text = Text(f"  {what}\n    {key}", style="dim italic")
        self.refresh(layout=True)


TIME_REFRESH_S = 30.0
"""How often the rows' relative times are redrawn."""

FILL_SCAN_LIMIT = 2000
"""Past sessions read in the background, at most, to fill the screen with this folder's; past
that, reaching the end of the list reads on."""


def _newest_first(rows: list[ThreadRow]) -> list[ThreadRow]:
    ordered = sorted(rows, key=lambda row: (row.created_at, str(row.thread_id)), reverse=True)
    return family_order(ordered)


class ThreadSidebar(Vertical):
    BINDINGS = [
        Binding("/", "focus_filter", "Filter", show=False, id="sidebar.filter"),
        Binding("ctrl+a", "archive_session", "Archive", show=False, id="sidebar.archive"),
        Binding("delete", "delete_session", "Delete", show=False, id="sidebar.delete"),
        Binding("ctrl+r", "rename_session", "Rename", show=False, id="sidebar.rename"),
        Binding("ctrl+g", "toggle_folders", "All folders", show=False, id="sidebar.all_folders"),
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

    @dataclass
    class RenameAsked(Message):
        row: ThreadRow

    def __init__(
        self,
        load_page: PageLoader,
        clock: Clock,
        *,
        first_page: RowsPage | None = None,
        here: Path | None = None,
        id: str | None = None,
    ) -> None:
        """``first_page``: rows to compose with the sidebar itself (lha's first frame); the
        page loader goes on from its cursor. ``here``: lha's folder, whose past sessions are
        listed (None: every folder's)."""
        super().__init__(id=id)
        self._load_page = load_page
        self._clock = clock
        self._first_page = first_page
        self._here = here
        self._show_all = here is None
        self._aside: list[ThreadRow] = []
        """Past sessions of other folders, not mounted while only this folder's show."""
        self._names: dict[str, str] = {}
        self._cursor = first_page.next_cursor if first_page is not None else None
        self._exhausted = first_page is not None and first_page.next_cursor is None
        self._loading = False
        self._started = first_page is not None
        self._read = len(first_page.rows) if first_page is not None else 0
        self._rest_of_first_page: list[ThreadRow] = []
        self._query = ""
        self._focus_past_when_loaded = False

    def on_mount(self) -> None:
        self.set_interval(TIME_REFRESH_S, self.refresh_times)
        if self._rest_of_first_page:
            self.call_after_refresh(self._add_rest_of_first_page)
        self._show_elsewhere()

    async def _add_rest_of_first_page(self) -> None:
        """The first page's rows below the screen, right after the first frame."""
        rows, self._rest_of_first_page = self._rest_of_first_page, []
        try:
            await self._mount_past([self._item(row) for row in rows])
        finally:
            self._loading = False

    def refresh_times(self) -> None:
        """Redraw the rows' relative times ("just now" becomes "5m ago" as lha stays open)."""
        for item in self.rows():
            item.update_row(item.row)

    def compose(self) -> ComposeResult:
        # No select-on-focus: typing in the list moves here with the key already typed.
        yield Input(placeholder="filter threads", id="thread-filter", select_on_focus=False)
        rows = self._keep_aside(self._first_page.rows if self._first_page is not None else [])
        fit = self._screenful()
        rows, self._rest_of_first_page = rows[:fit], rows[fit:]
        self._loading = bool(self._rest_of_first_page)  # no next page before these are in
        yield ListView(
            SectionHeader("LIVE", "live"),
            SectionHeader("PAST SESSIONS", "past"),
            *(ThreadListItem(row, self._clock) for row in rows),
            ElsewhereRow(),
            id="thread-list",
        )

    def _screenful(self) -> int:
        return max(1, (self.app.size.height - FIRST_FRAME_CHROME) // 2)

    @property
    def has_first_page(self) -> bool:
        """Whether the first page of past sessions came with the sidebar (no need to ask)."""
        return self._first_page is not None

    @property
    def list_view(self) -> ListView:
        return self.query_one("#thread-list", ListView)

    @property
    def showing_all_folders(self) -> bool:
        return self._show_all

    def rows(self) -> list[ThreadListItem]:
        return [c for c in self.list_view.children if isinstance(c, ThreadListItem)]

    def find(self, thread_id: ThreadId) -> ThreadListItem | None:
        return next((r for r in self.rows() if r.row.thread_id == thread_id), None)

    def _past_header_index(self) -> int:
        for index, child in enumerate(self.list_view.children):
            if isinstance(child, SectionHeader) and child.section == "past":
                return index
        return len(self.list_view.children)

    def _item(self, row: ThreadRow) -> ThreadListItem:
        item = ThreadListItem(row, self._clock)
        item.display = item.matches(self._query)
        return item

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
        self._aside = [r for r in self._aside if r.thread_id != row.thread_id]
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
        await self.list_view.insert(index, [self._item(row)])

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

    # -- names ---------------------------------------------------------------------------------

    def show_names(self, names: Mapping[str, str]) -> None:
        """Show these names (by thread id) on past sessions' rows, those read later too. Live
        rows get theirs from their thread's state."""
        self._names.update(names)
        for item in self.rows():
            name = names.get(str(item.row.thread_id))
            if name is not None and not item.row.live and name != item.row.name:
                item.update_row(replace(item.row, name=name))
                item.display = item.matches(self._query)
        self._aside = [self._named(row) for row in self._aside]
        self._rest_of_first_page = [self._named(row) for row in self._rest_of_first_page]

    def _named(self, row: ThreadRow) -> ThreadRow:
        name = self._names.get(str(row.thread_id))
        return row if name is None or row.live else replace(row, name=name)

    # -- this folder's sessions, or every folder's -------------------------------------------

    def _keep_aside(self, rows: list[ThreadRow]) -> list[ThreadRow]:
        """The rows to mount; those of other folders go aside while only this folder's show."""
        if self._show_all or self._here is None:
            return rows
        shown, elsewhere = rows_of_folder(rows, self._here)
        self._aside += elsewhere
        return shown

    def _show_elsewhere(self) -> None:
        """Redraw the last row: the sessions aside that the filter would show."""
        if self._here is None:
            return
        elsewhere = bool(rows_of_folder((item.row for item in self.rows()), self._here).elsewhere)
        aside = sum(1 for row in self._aside if row.matches(self._query))
        self.query_one(ElsewhereRow).show(
            aside, not self._exhausted, self._show_all, elsewhere or bool(self._aside)
        )

    async def action_toggle_folders(self) -> None:
        """Show every folder's past sessions, newest first, or this folder's only again."""
        if self._here is None:
            return
        self._show_all = not self._show_all
        past = [item for item in self.rows() if not item.row.live]
        rows = [item.row for item in past] + self._aside + self._rest_of_first_page
        self._aside, self._rest_of_first_page = [], []
        await self.list_view.remove_items([self.list_view.children.index(i) for i in past])
        await self._mount_past([self._item(row) for row in self._keep_aside(_newest_first(rows))])
        self._show_elsewhere()
        self.fill()

    async def _mount_past(self, items: list[ThreadListItem]) -> None:
        """Append past sessions' rows, above the last row."""
        if items:
            await self.list_view.insert(len(self.list_view.children) - 1, items)

    def fill(self) -> None:
        """Read past sessions until they fill the screen (this folder's may be few among the
        newest): the first page when it was not composed, more while too few show."""
        visible = sum(1 for item in self.rows() if not item.row.live)
        wanted = not self._started or (visible < self._screenful() and self._read < FILL_SCAN_LIMIT)
        if wanted and not self._exhausted:
            self.load_next_page()

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
            self._read += len(page.items)
            known = {r.row.thread_id for r in self.rows()} | {r.thread_id for r in self._aside}
            fresh = [
                ThreadRow.from_item(t, self._names.get(str(t.thread_id)))
                for t in page.items
                if t.thread_id not in known
            ]
            await self._add_page(self._keep_aside(fresh))
        finally:
            self._loading = False
        self._show_elsewhere()
        if self._focus_past_when_loaded:
            self._focus_past_when_loaded = False
            self.focus_past()
        self.fill()

    async def _add_page(self, fresh: list[ThreadRow]) -> None:
        # Forks shown on an earlier page whose parent is on this one move under it.
        parents = {row.thread_id for row in fresh}
        moving = [
            item for item in self.rows() if not item.row.live and item.row.forked_from_id in parents
        ]
        if moving:
            await self.list_view.remove_items(
                [self.list_view.children.index(item) for item in moving]
            )
        rows = family_order([*fresh, *(item.row for item in moving)])
        await self._mount_past([self._item(row) for row in rows])

    @on(ListView.Highlighted, "#thread-list")
    def _maybe_load_more(self, event: ListView.Highlighted) -> None:
        if self._cursor is None and not self._exhausted and not self._started:
            return  # the first page is asked for by the app, after its first frame
        index = self.list_view.index
        if index is not None and len(self.list_view.children) - index <= LOAD_MORE_WITHIN:
            self.load_next_page()

    @on(ListView.Selected, "#thread-list")
    async def _chosen(self, event: ListView.Selected) -> None:
        if isinstance(event.item, ThreadListItem):
            self.post_message(self.Chosen(event.item.row))
        elif isinstance(event.item, ElsewhereRow):
            await self.action_toggle_folders()

    # -- filter -------------------------------------------------------------------------------

    @on(Input.Changed, "#thread-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._query = event.value.strip()
        for item in self.rows():
            item.display = item.matches(self._query)
        self._show_elsewhere()

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

    def action_rename_session(self) -> None:
        row = self._highlighted()
        if row is not None:
            self.post_message(self.RenameAsked(row))

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
        if isinstance(self.list_view.children[past + 1], ThreadListItem):
            self.list_view.index = past + 1
        elif self._exhausted and not self._aside:
            self.app.notify("no past sessions yet: type a message to start one")
        elif self._exhausted:
            self.list_view.index = past + 1  # the row offering other folders' sessions
        else:
            self._focus_past_when_loaded = True
            self.load_next_page()


def now_utc() -> datetime:
    return datetime.now(UTC)
