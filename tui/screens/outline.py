"""The outline: the thread's user messages, numbered like the fork dialog numbers them; Enter
jumps to the chosen one in the transcript.

It lists the transcript's entries (every one, mounted or not), so it needs no rollout read and
shows a thread still being written.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.screens._safe_text import safe_content
from tui.transcript_model import Entry

_LINE_LIMIT = 300


def user_messages(entries: list[Entry]) -> list[tuple[int, str]]:
    """(entry index, first line) of each user message, in order."""
    return [
        (index, entry.text.strip().split("\n", 1)[0])
        for index, entry in enumerate(entries)
        if entry.kind == "user"
    ]


class OutlineList(OptionList):
    """Enter is the list's own key, so arrow keys read just before it have moved first."""

    BINDINGS = [Binding("enter", "select", "Jump to this message", id="outline.jump")]


class OutlineScreen(ModalScreen[int | None]):
    """Dismisses with the chosen message's entry index, or None on Esc."""

    DEFAULT_CSS = """
    OutlineScreen {
        align: center middle;
        #outline {
            width: 90;
            max-width: 94%;
            height: auto;
            max-height: 80%;
            padding: 1 2;
            background: $panel;
            border: round $accent;
            border-title-color: $text-accent;
            border-title-style: bold;
        }
        #outline-options {
            height: auto;
            max-height: 60vh;
            border: none;
            background: $panel;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="outline.cancel")]

    def __init__(self, entries: list[Entry], current: int | None = None) -> None:
        super().__init__()
        self._messages = user_messages(entries)
        self._current = current

    def compose(self) -> ComposeResult:
        width = len(str(len(self._messages)))
        with Vertical(id="outline") as box:
            box.border_title = "Your messages in this thread"
            if not self._messages:
                yield Static("No messages of yours in this thread yet.", markup=False)
            yield OutlineList(
                *(
                    Option(
                        Content.assemble(
                            Content.styled(f"{number:>{width}}", "$text-accent"),
                            "  ",
                            safe_content(line[:_LINE_LIMIT] or "(empty message)"),
                        ),
                        id=f"entry-{index}",
                    )
                    for number, (index, line) in enumerate(self._messages, 1)
                ),
                id="outline-options",
            )

    def on_mount(self) -> None:
        options = self.query_one(OutlineList)
        if not self._messages:
            options.display = False
            return
        before = [i for i, (index, _) in enumerate(self._messages) if index <= (self._current or 0)]
        options.highlighted = (
            before[-1] if before and self._current is not None else len(self._messages) - 1
        )
        options.focus()

    @on(OptionList.OptionSelected, "#outline-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._messages[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
