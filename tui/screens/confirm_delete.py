"""Asked before a past session is deleted from the sidebar: its file goes for good.

Nothing is focused on open, so an Enter meant for the list cannot delete anything; ``y``
deletes, Esc keeps it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.sanitize import terminal_line
from tui.widgets.sidebar import ThreadRow

PREVIEW_CHARS = 60


def question(row: ThreadRow) -> str:
    """``Delete "<first line>" (<short id>) for good? Its file is removed.``"""
    preview = terminal_line(row.first_line)
    if len(preview) > PREVIEW_CHARS:
        preview = preview[: PREVIEW_CHARS - 1] + "…"
    return f'Delete "{preview}" ({row.thread_id.short}) for good? Its file is removed.'


class ConfirmDeleteScreen(ModalScreen[bool]):
    """Dismisses with True to delete the session, False to keep it."""

    AUTO_FOCUS = ""

    DEFAULT_CSS = """
    ConfirmDeleteScreen {
        align: center middle;

        #confirm-delete {
            width: 72;
            max-width: 96%;
            height: auto;
            padding: 1 2;
            background: $panel;
            border: round $error;
            border-title-color: $text-error;
            border-title-style: bold;
        }
        #confirm-delete-buttons {
            height: auto;
            margin-top: 1;
            align-horizontal: center;
            & > Button {
                margin-right: 1;
                min-width: 8;
            }
        }
    }
    """

    BINDINGS = [
        Binding("y", "decide(True)", "Delete", id="confirm_delete.delete"),
        Binding("escape", "decide(False)", "Keep", id="confirm_delete.keep"),
    ]

    def __init__(self, row: ThreadRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-delete") as box:
            box.border_title = "Delete session"
            yield Static(Content(question(self.row)), id="confirm-delete-text")
            with Horizontal(id="confirm-delete-buttons"):
                yield Button(
                    _label("Delete", "y"), variant="error", id="confirm-delete-yes", compact=True
                )
                yield Button(_label("Keep", "esc"), id="confirm-delete-no", compact=True)

    def action_decide(self, delete: bool) -> None:
        self.dismiss(delete)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-delete-yes")


def _label(text: str, key: str) -> Content:
    return Content.assemble(text, "  ", Content.styled(key, "dim"))
