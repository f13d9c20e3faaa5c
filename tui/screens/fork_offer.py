"""Offered when a session to resume is open in another lha: open a fork of it instead?

One process writes a session at a time (``core.rollout.lock``), so resuming it here is refused;
a fork copies the whole thread into a new session of its own, which this lha may write. Nothing
is focused on open, so an Enter meant for the composer or the thread list cannot fork anything.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.errors import SessionLocked


def offer_text(locked: SessionLocked) -> str:
    """``<id> is open in another lha (pid N). Open a fork of it?``"""
    holder = f"another lha (pid {locked.pid})" if locked.pid is not None else "another lha"
    return f"{locked.thread_id} is open in {holder}. Open a fork of it?"


class ForkOfferScreen(ModalScreen[bool]):
    """Dismisses with True to fork the locked session, False to leave it."""

    AUTO_FOCUS = ""

    DEFAULT_CSS = """
    ForkOfferScreen {
        align: center middle;

        #fork-offer {
            width: 72;
            max-width: 96%;
            height: auto;
            padding: 1 2;
            background: $panel;
            border: round $warning;
            border-title-color: $text-warning;
            border-title-style: bold;
        }
        #fork-offer-buttons {
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
        Binding("f", "decide(True)", "Fork", id="fork_offer.fork"),
        Binding("escape", "decide(False)", "Cancel", id="fork_offer.cancel"),
    ]

    def __init__(self, locked: SessionLocked) -> None:
        super().__init__()
        self.locked = locked

    def compose(self) -> ComposeResult:
        with Vertical(id="fork-offer") as box:
            box.border_title = "Session open elsewhere"
            yield Static(Content(offer_text(self.locked)), id="fork-offer-text")
            with Horizontal(id="fork-offer-buttons"):
                yield Button(
                    _label("Fork", "f"), variant="primary", id="fork-offer-fork", compact=True
                )
                yield Button(_label("Cancel", "esc"), id="fork-offer-cancel", compact=True)

    def action_decide(self, fork: bool) -> None:
        self.dismiss(fork)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "fork-offer-fork")


def _label(text: str, key: str) -> Content:
    return Content.assemble(text, "  ", Content.styled(key, "dim"))
