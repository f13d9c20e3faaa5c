"""The images waiting in the composer, as chips above it: name, size and dimensions.

They go with the next message sent and are then cleared. A click on a chip (or the composer's
remove key, which takes the last one) removes it; the composer owns the list, this widget only
draws it and says which chip was clicked.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from core.images.attachment import ImageAttachment
from core.sanitize import neutralize_terminal_escapes


class AttachmentChip(Static):
    def __init__(self, position: int, image: ImageAttachment) -> None:
        label = Text("▣ ", style="bold")
        label.append(neutralize_terminal_escapes(image.label))
        label.append("  ✕", style="dim")
        super().__init__(label, classes="attachment-chip", markup=False)
        self.position = position

    def on_click(self) -> None:
        self.post_message(AttachmentChips.RemoveAsked(self.position))


class AttachmentChips(Horizontal):
    class RemoveAsked(Message):
        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels: list[str] = []
        self.display = False

    def show(self, images: list[ImageAttachment]) -> None:
        """Draw one chip per image; hidden when there is none."""
        labels = [image.label for image in images]
        if labels == self.labels:
            return
        self.labels = labels
        self.remove_children()
        self.mount_all([AttachmentChip(i, image) for i, image in enumerate(images)])
        self.display = bool(images)
