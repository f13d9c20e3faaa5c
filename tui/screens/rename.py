"""The name of a session, asked in a small modal (the thread list's rename key, ``/rename``).

It opens with the current name, all selected, so typing replaces it and the arrows edit it.
Enter keeps what is typed (``core.session_names`` says why a name is refused), Esc changes
nothing.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from core.session_names import MAX_NAME_CHARS


class RenameScreen(ModalScreen[str | None]):
    """Dismisses with the name typed, or None when the user leaves it as it was."""

    BINDINGS = [Binding("escape", "cancel", "Keep the name", id="rename.cancel")]

    DEFAULT_CSS = """
    RenameScreen {
        align: center middle;

        #rename {
            width: 64;
            max-width: 96%;
            height: auto;
            padding: 1 2;
            background: $panel;
            border: round $accent;
            border-title-style: bold;
        }
        #rename-hint {
            color: $text-muted;
            margin-top: 1;
        }
    }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="rename") as box:
            box.border_title = "Rename session"
            yield Input(
                self.current,
                placeholder="a few words",
                max_length=MAX_NAME_CHARS,
                id="rename-input",
            )
            yield Static("Enter saves · Esc keeps the name", id="rename-hint", markup=False)

    @on(Input.Submitted, "#rename-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
