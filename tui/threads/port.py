"""The port: everything the engine side of the UI may ask of the screen.

The controller and the event dispatch see the App only through this Protocol, so they can be
read (and tested, with a small fake) without the App's layout, bindings or start-up tricks.
``tui.app.LhaApp`` implements it.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import ModalScreen

    from core.protocol.ids import ThreadId
    from tui.status_text import StatusInfo
    from tui.thread_rows import ThreadRow
    from tui.threads.state import ThreadState
    from tui.widgets.transcript import Transcript

AnswerT = TypeVar("AnswerT")


class AppPort(Protocol):
    async def mount_transcript(self, transcript: Transcript) -> Transcript:
        """Put ``transcript`` among the transcripts; returns the one to use, which is the one
        already on screen when a transcript with its id was drawn first (``lha resume``)."""
        ...

    async def drop_transcript(self, transcript_id: str) -> None:
        """Remove a transcript drawn for a thread that did not open (``lha resume`` of a session
        another lha holds): it would go stale, and a later attach would adopt it."""
        ...

    def show_thread(self, state: ThreadState) -> None:
        """Make this thread the one on screen: its transcript, its highlighted sidebar row."""
        ...

    async def upsert_row(self, row: ThreadRow) -> None:
        """Add a live thread's sidebar row, or redraw it when it is there already."""
        ...

    def show_names(self, names: Mapping[str, str]) -> None:
        """Show these names (by thread id) on past sessions' rows, and on rows read later."""
        ...

    async def remove_row(self, thread_id: ThreadId) -> None:
        """Take a session's row out of the sidebar (archived or deleted)."""
        ...

    def set_composer(self, text: str | None = None) -> None:
        """Focus the composer; replace its text with ``text`` unless that is None."""
        ...

    def show_status(self, info: StatusInfo) -> None: ...

    def show_queue(self, texts: list[str]) -> None:
        """Show the messages of the thread on screen that wait for its turn to end."""
        ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    async def ask(self, screen: ModalScreen[AnswerT]) -> AnswerT:
        """Show a modal (an approval, the model picker, the fork dialog) and wait for its
        answer."""
        ...

    def report_error(self, message: str, transcript: Transcript | None) -> None:
        """An engine error: a notification, and an entry in ``transcript`` (or in a transcript of
        notices when no thread is on screen)."""
        ...

    def start_worker(
        self, work: Coroutine[Any, Any, object], *, group: str, name: str = ""
    ) -> None:
        """Run ``work`` in the background for as long as the app runs; its errors are logged,
        never fatal."""
        ...

    def save_setting(self, key: str, value: str) -> None:
        """Write one key to config.toml, in the background."""
        ...
