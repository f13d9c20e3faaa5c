"""Keys that arrive in one burst (a fast typist, a terminal without bracketed paste, tmux
send-keys) are handled in order: Enter sends everything typed before it, Ctrl+J splits there."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult

from tests.support.tui_harness import send_burst
from tui.widgets.composer import Composer


class ComposerHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        yield Composer(id="composer")

    @on(Composer.Submitted)
    def _sent(self, event: Composer.Submitted) -> None:
        self.sent.append(event.text)


async def test_enter_in_a_burst_sends_what_was_typed_before_it() -> None:
    app = ComposerHost()
    async with app.run_test() as pilot:
        await send_burst(app, [*"what is a fork?", "enter", *"next"])
        await pilot.pause()
        await pilot.pause()
        assert app.sent == ["what is a fork?"]
        assert app.query_one(Composer).text == "next"


async def test_ctrl_j_in_a_burst_breaks_the_line_where_it_was_pressed() -> None:
    app = ComposerHost()
    async with app.run_test() as pilot:
        await send_burst(app, [*"one", "ctrl+j", *"two", "enter"])
        await pilot.pause()
        await pilot.pause()
        assert app.sent == ["one\ntwo"]
