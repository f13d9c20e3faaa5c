"""The find bar: a text to find in the thread on screen, the count, and keys to step.

Every keystroke searches all of the thread's entries (``tui.transcript_find``), highlights the
entries that match and shows the current match, mounting its part of a long thread when needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from tui.transcript_find import FindState, FoldedTexts

if TYPE_CHECKING:
    from tui.widgets.transcript import Transcript


class FindInput(Input):
    """The find bar's text box. A change is searched in the keystroke's own step (a watcher,
    not the ``Changed`` message): the letter and the highlights it makes are then drawn in one
    frame, where a message would let a frame with only the letter go out first."""

    def watch_value(self, value: str) -> None:
        bar = self.parent
        if isinstance(bar, FindBar) and bar.display:
            bar.find(value)


class FindBar(Horizontal):
    BINDINGS = [
        Binding("shift+enter", "step(-1)", "Previous match", id="find.previous"),
        Binding("escape", "close", "Close find", id="find.close"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.transcript: Transcript | None = None
        self.state = FindState()
        self._folded = FoldedTexts()

    def compose(self) -> ComposeResult:
        yield FindInput(placeholder="find in this thread · Enter next · Shift+Enter previous")
        yield Static("", id="find-count", markup=False)

    @property
    def input(self) -> FindInput:
        return self.query_one(FindInput)

    async def open(self, transcript: Transcript, query: str | None = None) -> None:
        """Show the bar over ``transcript``; with ``query``, find it at once."""
        if self.transcript is not None and self.transcript is not transcript:
            self.transcript.mark_found(set(), None)
            self._folded = FoldedTexts()
        self.transcript = transcript
        self.display = True
        if query is not None:
            if self.input.value == query:
                self.find(query)
            else:
                self.input.value = query  # found by the box's watcher
            await self._reveal()
        self.input.focus()

    def find(self, query: str) -> None:
        """Search every entry for ``query`` and mark the matches now; the current one is
        scrolled to right after (it may need its part of the thread mounted)."""
        transcript = self.transcript
        if transcript is None:
            return
        current = self.state.current_match
        near = current.entry if current is not None else transcript.index_in_view(whole=True)
        self.state = FindState.search(self._folded.of(transcript.entries), query, near)
        self._mark()
        self.call_next(self._reveal)

    async def action_step(self, delta: int) -> None:
        self.state.step(delta)
        self._mark()
        await self._reveal()

    def _mark(self) -> None:
        match = self.state.current_match
        self.query_one("#find-count", Static).update(self.state.count_label(), layout=False)
        if self.transcript is not None:
            self.transcript.mark_found(
                self.state.entries_with_matches(),
                match.entry if match is not None else None,
                self.state.query,
            )

    async def _reveal(self) -> None:
        match = self.state.current_match
        if self.transcript is not None and match is not None:
            await self.transcript.reveal_match(match.entry, match.nth)

    def action_close(self) -> None:
        self.display = False
        if self.transcript is not None:
            self.transcript.mark_found(set(), None)
            self.transcript.focus()
        self.state = FindState()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()  # searched already, by the box's watcher

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_step(1)
