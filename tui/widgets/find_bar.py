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
        yield Input(placeholder="find in this thread · Enter next · Shift+Enter previous")
        yield Static("", id="find-count", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    async def open(self, transcript: Transcript, query: str | None = None) -> None:
        """Show the bar over ``transcript``; with ``query``, find it at once."""
        if self.transcript is not None and self.transcript is not transcript:
            self.transcript.mark_found(set(), None)
            self._folded = FoldedTexts()
        self.transcript = transcript
        self.display = True
        if query is not None:
            with self.input.prevent(Input.Changed):
                self.input.value = query
            await self.search(query)
        self.input.focus()

    async def search(self, query: str) -> None:
        transcript = self.transcript
        if transcript is None:
            return
        current = self.state.current_match
        near = current.entry if current is not None else transcript.index_in_view()
        self.state = FindState.search(self._folded.of(transcript.entries), query, near)
        await self._show()

    async def action_step(self, delta: int) -> None:
        self.state.step(delta)
        await self._show()

    async def _show(self) -> None:
        transcript, match = self.transcript, self.state.current_match
        self.query_one("#find-count", Static).update(self.state.count_label(), layout=False)
        if transcript is None:
            return
        transcript.mark_found(
            self.state.entries_with_matches(),
            match.entry if match is not None else None,
            self.state.query,
        )
        if match is not None:
            await transcript.reveal(match.entry)

    def action_close(self) -> None:
        self.display = False
        if self.transcript is not None:
            self.transcript.mark_found(set(), None)
            self.transcript.focus()
        self.state = FindState()

    @on(Input.Changed)
    async def _changed(self, event: Input.Changed) -> None:
        event.stop()
        await self.search(event.value)

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_step(1)
