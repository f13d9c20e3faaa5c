"""Asked before a past session is deleted from the sidebar: its file goes for good.

``y`` deletes, Esc keeps it.
"""

from __future__ import annotations

from textual.binding import Binding

from core.sanitize import terminal_line
from core.text import shorten
from tui.screens.yes_no import YesNoScreen
from tui.thread_rows import ThreadRow

PREVIEW_CHARS = 60


def question(row: ThreadRow) -> str:
    """``Delete "<first line>" (<short id>) for good? Its file is removed.``"""
    preview = shorten(terminal_line(row.first_line), PREVIEW_CHARS)
    return f'Delete "{preview}" ({row.thread_id.short}) for good? Its file is removed.'


class ConfirmDeleteScreen(YesNoScreen):
    """Dismisses with True to delete the session, False to keep it."""

    ID_PREFIX = "confirm-delete"
    TITLE_TEXT = "Delete session"
    YES = ("Delete", "y", "yes")
    NO = ("Keep", "esc", "no")
    YES_VARIANT = "error"
    BINDINGS = [
        Binding("y", "decide(True)", "Delete", id="confirm_delete.delete"),
        Binding("escape", "decide(False)", "Keep", id="confirm_delete.keep"),
    ]

    def __init__(self, row: ThreadRow) -> None:
        super().__init__(question(row))
        self.row = row
