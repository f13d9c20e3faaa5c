"""A bare App that pushes one modal screen and records what it dismissed with.

The modal tests and snapshots use it instead of the real app, so they exercise exactly one screen
and stay fast; ``results`` holds each dismissal's value in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input


class ModalHost(App[None]):
    """Pushes ``make_screen()`` on mount; ``results`` collects the dismissal values."""

    CSS = "Screen { background: $background; }"

    def __init__(self, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self._make_screen = make_screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(self._make_screen(), callback=self.results.append)


async def settle(pilot: Pilot[Any]) -> None:
    """Let pending messages, workers and refreshes finish (never a fixed sleep)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def no_blink(pilot: Pilot[Any]) -> None:
    """Snapshot hygiene: stop every Input's cursor blinking (it would make frames differ)."""
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
