"""A session's row in the sidebar: its data and its two lines of text, without Textual.

The sidebar draws these rows, and so does the first frame painted before Textual has loaded
(``tui.prepaint``): both take the text from ``row_lines`` here, so what the user sees first is
what the sidebar then draws over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.sanitize import neutralize_terminal_escapes
from core.text import first_line, shorten

if TYPE_CHECKING:
    from core.protocol.ids import ThreadId
    from core.rollout.listing import ThreadItem

PAST_PAGE_SIZE = 50
"""Past sessions read at a time."""
FIRST_FRAME_CHROME = 8
"""Lines of the screen that are not rows of past sessions: the filter, the section headers, the
footer. The first frame composes only the rows that fit below them: one row more shows a
scrollbar, and laying that out costs more than the rest of the first frame."""

Segment = tuple[str, str]
"""A run of a row's text and its style (a Rich style string, ``""`` for none)."""


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
    name: str | None = None
    """The name the user gave the session (``core.session_names``), shown instead of the
    first message."""
    cwd: str | None = None
    """The folder the session was started in (None: unknown, listed as this folder's)."""

    @property
    def first_line(self) -> str:
        """The preview's first line, as rows and dialogs show it ("" for a blank preview)."""
        return first_line(self.preview)

    @property
    def title(self) -> str:
        """What the row is called: its name, else its first line."""
        return self.name or self.first_line

    def matches(self, query: str) -> bool:
        """Whether the filter's ``query`` finds this row: in its first message or its name
        (any case), or as the start of its id (``0190a1b2-c3``)."""
        folded = query.strip().casefold()
        if not folded:
            return True
        if folded in self.preview.casefold() or (self.name and folded in self.name.casefold()):
            return True
        from core.protocol.ids import ThreadId  # not at import: the pre-painted frame needs none

        return ThreadId.is_prefix(folded) and str(self.thread_id).startswith(folded)

    @classmethod
    def from_item(cls, item: ThreadItem, name: str | None = None) -> ThreadRow:
        return cls(
            thread_id=item.thread_id,
            preview=item.preview,
            created_at=item.created_at,
            live=False,
            model=item.model or item.model_provider,
            forked_from_id=item.forked_from_id,
            path=item.path,
            origin=item.origin,
            name=name,
            cwd=item.cwd,
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


def row_lines(row: ThreadRow, now: datetime) -> tuple[list[Segment], list[Segment]]:
    """The row's title line (marks, then the first message) and its details line (lineage,
    state, age, model), each as styled runs of text."""
    title: list[Segment] = []
    if row.forked_from_id is not None:
        title.append(("↳ ", "bold cyan"))
    if row.running:
        title.append(("◐ ", "yellow"))
    else:
        title.append(("● " if row.live else "  ", "green"))
    title.append((neutralize_terminal_escapes(shorten(row.title or "(new thread)", 80)), ""))
    details: list[str] = []
    if row.fork_note:  # lineage first: a narrow sidebar cuts the end of the line
        details.append(row.fork_note)
    elif row.forked_from_id is not None:
        details.append(f"fork of {row.forked_from_id.short}")
    if row.running:
        details.append("working")
    if row.origin == "codex":
        details.append("Codex")
    details.append(relative_time(row.created_at, now))
    if row.model:
        details.append(row.model)
    return title, [("    " + " · ".join(details), "dim")]
