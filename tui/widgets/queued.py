"""Messages sent while a turn runs, waiting for it to end: shown dimmed above the composer.

Each one can be focused (a click, or Tab) and taken back to edit, or cancelled, until it is
sent. The app owns the keys' effects (the queue lives in the thread's state), so this widget
only draws the queue and says which entry a key was pressed on.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from core.sanitize import neutralize_terminal_escapes

PREVIEW_CHARS = 200


class QueuedMessage(Static, can_focus=True):
    BINDINGS = [
        Binding("e", "edit", "Edit", id="queued.edit"),
        Binding("delete,x", "cancel", "Cancel", id="queued.cancel"),
    ]

    def __init__(self, position: int, text: str) -> None:
        line = neutralize_terminal_escapes(" ".join(text.split()))
        if len(line) > PREVIEW_CHARS:
            line = line[: PREVIEW_CHARS - 1] + "…"
        label = Text("queued · ", style="italic")
        label.append(line)
        super().__init__(label, classes="queued-message")
        self.position = position

    def action_edit(self) -> None:
        self.post_message(QueuedMessages.EditAsked(self.position))

    def action_cancel(self) -> None:
        self.post_message(QueuedMessages.CancelAsked(self.position))


class QueuedMessages(Vertical):
    class EditAsked(Message):
        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    class CancelAsked(Message):
        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.texts: list[str] = []
        self.display = False

    def show(self, texts: list[str]) -> None:
        """Draw ``texts`` (the queue of the thread on screen); hidden when it is empty."""
        if texts == self.texts:
            return
        self.texts = list(texts)
        self.remove_children()
        self.mount_all([QueuedMessage(i, t) for i, t in enumerate(texts)])
        self.display = bool(texts)
