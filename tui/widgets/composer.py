"""The composer: multi-line input where Enter sends, Shift+Enter or Ctrl+J adds a line.

Images wait here too (``attachments``, drawn as chips above it) until a message is sent: a
paste that is exactly the path of an image file attaches it instead of inserting the path, and
Ctrl+R removes the last one.

Up on the first line recalls earlier input; Tab completes a slash command; Esc is reported to
the app, which interrupts a running turn or, pressed twice on an empty composer, opens the fork
dialog on the last user message (as Codex users expect).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

from core.images.attachment import ImageAttachment, pasted_image_path
from tui.slash_commands import matching_commands


class Composer(TextArea):
    BINDINGS = [
        Binding("enter", "submit", "Send", priority=True, id="composer.send"),
        Binding("shift+enter,ctrl+j", "newline", "New line", priority=True, id="composer.newline"),
        Binding("escape", "escape", "Interrupt", priority=True, id="composer.escape"),
        Binding("tab", "complete", "Complete", show=False, priority=True, id="composer.complete"),
        Binding("ctrl+r", "remove_image", "Remove image", show=False, id="composer.remove_image"),
    ]

    @dataclass
    class Submitted(Message):
        """Enter on text, or on images alone. The images stay in ``attachments`` until the app
        takes them (``take_attachments``): a slash command or a refused send keeps them."""

        composer: Composer
        text: str

    @dataclass
    class AttachmentsChanged(Message):
        composer: Composer

    @dataclass
    class ImagePasted(Message):
        """A paste that is exactly an image file's path: the app reads it and attaches it."""

        composer: Composer
        path: Path

    @dataclass
    class EscapePressed(Message):
        composer: Composer
        empty: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            placeholder="Ask anything · / for commands · Enter to send · Ctrl+J new line",
        )
        self.sent_history: list[str] = []
        self._history_pos: int | None = None
        self._draft = ""
        self.attachments: list[ImageAttachment] = []
        self.cwd = Path.cwd()
        """Where a pasted relative path is looked up (the app sets the thread's folder)."""

    # The composer's keys are priority bindings (TextArea would otherwise take Enter and Tab
    # for itself), and a priority binding runs as soon as the app reads its key: possibly before
    # this widget has inserted the characters that came just before it in the same read (a fast
    # typist, a paste without bracketed paste, tmux send-keys). Each action therefore queues its
    # work behind those characters with ``call_later``.

    def action_submit(self) -> None:
        self.call_later(self._submit)

    def action_newline(self) -> None:
        self.call_later(self._insert_newline)

    def action_escape(self) -> None:
        self.call_later(self._report_escape)

    def action_complete(self) -> None:
        self.call_later(self._complete)

    def remember_earlier(self, texts: list[str]) -> None:
        """Put messages sent in earlier runs before this run's, for Up to reach."""
        merged = [*texts, *self.sent_history]
        self.sent_history = [t for i, t in enumerate(merged) if i == 0 or merged[i - 1] != t]

    def _submit(self) -> None:
        text = self.text
        if not text.strip() and not self.attachments:
            return
        if text.strip() and (not self.sent_history or self.sent_history[-1] != text):
            self.sent_history.append(text)
        self._history_pos = None
        self.clear()
        self.post_message(self.Submitted(self, text))

    # -- attachments ---------------------------------------------------------------------------

    def attach(self, image: ImageAttachment) -> None:
        self.attachments.append(image)
        self.post_message(self.AttachmentsChanged(self))

    def remove_attachment(self, position: int) -> ImageAttachment | None:
        if not -len(self.attachments) <= position < len(self.attachments):
            return None
        removed = self.attachments.pop(position)
        self.post_message(self.AttachmentsChanged(self))
        return removed

    def take_attachments(self) -> list[ImageAttachment]:
        """The images, now on their way with a message: the composer lets go of them."""
        taken, self.attachments = self.attachments, []
        if taken:
            self.post_message(self.AttachmentsChanged(self))
        return taken

    def action_remove_image(self) -> None:
        removed = self.remove_attachment(-1)
        if removed is not None:
            self.notify(f"removed {removed.name}", timeout=2, markup=False)

    async def _on_paste(self, event: events.Paste) -> None:
        """A paste of one image file's path attaches the image; any other paste is text."""
        path = pasted_image_path(event.text, self.cwd)
        if path is None:
            return  # TextArea inserts it
        event.prevent_default()
        event.stop()
        self.post_message(self.ImagePasted(self, path))

    def _insert_newline(self) -> None:
        start, end = self.selection
        self._replace_via_keyboard("\n", start, end)

    def _report_escape(self) -> None:
        self.post_message(self.EscapePressed(self, empty=not self.text.strip()))

    def _complete(self) -> None:
        matches = matching_commands(self.text)
        if matches:
            self.load_text(matches[0].name)
            self.move_cursor(self.document.end)
        else:
            self.screen.focus_next()

    def set_text(self, text: str) -> None:
        """Replace the content (a fork pre-fills the message to edit) with the cursor at the end."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    def action_cursor_up(self, select: bool = False) -> None:
        if select or self.cursor_location[0] > 0 or not self.sent_history:
            super().action_cursor_up(select)
            return
        if self._history_pos is None:
            self._draft = self.text
            self._history_pos = len(self.sent_history)
        if self._history_pos > 0:
            self._history_pos -= 1
            self.set_text(self.sent_history[self._history_pos])

    def action_cursor_down(self, select: bool = False) -> None:
        last_row = self.document.line_count - 1
        if select or self._history_pos is None or self.cursor_location[0] < last_row:
            super().action_cursor_down(select)
            return
        self._history_pos += 1
        if self._history_pos >= len(self.sent_history):
            self._history_pos = None
            self.set_text(self._draft)
        else:
            self.set_text(self.sent_history[self._history_pos])
