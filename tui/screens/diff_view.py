"""``/diff``: a turn's file changes as coloured hunks, a screen to read them in.

It opens on the last turn that changed files; ``[`` and ``]`` step to the previous and next such
turn, ``a`` shows every change since the thread began (and back). The diffs come from the file
snapshots through ``DiffSource.load`` (the engine's ``turn_diff``, the one ``lha diff`` prints),
run off the event loop by whoever made the source.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from core.errors import LhaError
from tui.diff_text import diff_text

MAX_DIFF_LINES = 5_000
"""More lines than anyone reads on a screen; ``lha diff`` prints the rest."""


@dataclass(frozen=True)
class DiffSource:
    turns: list[int]
    """The turns (0-based user messages) that changed files, oldest first; never empty."""
    load: Callable[[int | None], Awaitable[str]]
    """A turn's unified diff; None: every change since the thread began."""


def diff_title(turn: int | None, position: int, count: int) -> str:
    """``Changes of message 3 · turn 2 of 4 with changes`` (messages numbered from 1, as the
    fork dialog numbers them), or the title of the whole thread's changes."""
    if turn is None:
        return "All changes since the thread began"
    return f"Changes of message {turn + 1} · turn {position + 1} of {count} with changes"


class DiffScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    DiffScreen {
        align: center middle;
        #diff-view {
            width: 96%;
            height: 90%;
            padding: 0 1;
            background: $panel;
            border: round $accent;
            border-title-color: $text-accent;
            border-title-style: bold;
            border-subtitle-color: $text-muted;
        }
        #diff-scroll {
            height: 1fr;
            background: $surface;
        }
        #diff-body {
            width: auto;
            min-width: 100%;
            padding: 0 1;
        }
    }
    """

    BINDINGS = [
        Binding("[", "step(-1)", "Previous turn", id="diff.previous"),
        Binding("]", "step(1)", "Next turn", id="diff.next"),
        Binding("a", "toggle_all", "All / one turn", id="diff.all"),
        Binding("escape,q", "close", "Close", id="diff.close"),
    ]

    def __init__(self, source: DiffSource, *, whole: bool = False) -> None:
        super().__init__()
        self.source = source
        self.position = len(source.turns) - 1
        self.whole = whole
        self.shown: str | None = None
        """The diff on screen, as loaded (tests read it); None while loading."""

    @property
    def turn(self) -> int | None:
        """The turn on screen; None when every change since the thread began is."""
        return None if self.whole else self.source.turns[self.position]

    def compose(self) -> ComposeResult:
        with Vertical(id="diff-view"), VerticalScroll(id="diff-scroll"):
            yield Static(id="diff-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#diff-scroll").focus()
        self._show()

    def action_step(self, delta: int) -> None:
        if self.whole:
            self.whole = False
        else:
            wanted = self.position + delta
            if not 0 <= wanted < len(self.source.turns):
                edge = "first" if delta < 0 else "last"
                self.notify(f"this is the {edge} turn that changed files", timeout=2)
                return
            self.position = wanted
        self._show()

    def action_toggle_all(self) -> None:
        self.whole = not self.whole
        self._show()

    def action_close(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, exit_on_error=False)
    async def _show(self) -> None:
        """Load the chosen diff and draw it (a newer choice cancels an older load)."""
        box = self.query_one("#diff-view")
        turn = self.turn
        box.border_title = diff_title(turn, self.position, len(self.source.turns))
        box.border_subtitle = "[ ] previous / next turn · a all changes · Esc close"
        self.shown = None
        try:
            diff = await self.source.load(turn)
        except (LhaError, OSError) as err:
            self._draw(Text(f"cannot show these changes: {err}", style="italic"), "")
            return
        body = diff_text(diff, max_lines=MAX_DIFF_LINES) if diff else Text("no file changes")
        self._draw(body, diff)

    def _draw(self, body: Text, diff: str) -> None:
        self.query_one("#diff-body", Static).update(body)
        self.query_one("#diff-scroll", VerticalScroll).scroll_home(animate=False)
        self.shown = diff
