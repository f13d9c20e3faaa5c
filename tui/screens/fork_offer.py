"""Offered when a session to resume is open in another lha: open a fork of it instead?

One process writes a session at a time (``core.rollout.lock``), so resuming it here is refused;
a fork copies the whole thread into a new session of its own, which this lha may write.
"""

from __future__ import annotations

from textual.binding import Binding

from core.errors import SessionLocked
from tui.screens.yes_no import YesNoScreen


def offer_text(locked: SessionLocked) -> str:
    """``<id> is open in another lha (pid N). Open a fork of it?``"""
    holder = f"another lha (pid {locked.pid})" if locked.pid is not None else "another lha"
    return f"{locked.thread_id} is open in {holder}. Open a fork of it?"


class ForkOfferScreen(YesNoScreen):
    """Dismisses with True to fork the locked session, False to leave it."""

    ID_PREFIX = "fork-offer"
    TITLE_TEXT = "Session open elsewhere"
    YES = ("Fork", "f", "fork")
    NO = ("Cancel", "esc", "cancel")
    BINDINGS = [
        Binding("f", "decide(True)", "Fork", id="fork_offer.fork"),
        Binding("escape", "decide(False)", "Cancel", id="fork_offer.cancel"),
    ]

    def __init__(self, locked: SessionLocked) -> None:
        super().__init__(offer_text(locked))
        self.locked = locked
