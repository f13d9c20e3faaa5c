"""The fork dialog: returns the chosen message's index, Esc cancels, the preview follows."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets import OptionList, Static

from core.rollout.user_turns import UserTurn
from tests.support.tui_harness import send_burst
from tests.tui.modal_host import ModalHost, settle
from tui.screens.fork_dialog import (
    NO_TURNS_TEXT,
    ForkChoice,
    ForkDialogScreen,
    PreviewText,
    default_preview,
    turn_time,
)

SIZE = (100, 30)


def turn(index: int, text: str, minute: int | None = None, images: int = 0) -> UserTurn:
    stamp = None if minute is None else f"2026-11-25T12:{minute:02d}:00.000Z"
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return UserTurn(index, text, first, stamp, items_before=3 + 4 * index, images=images)


TURNS = [
    turn(0, "Add a --json flag to `lha threads`.", 1),
    turn(1, "The output should be one object per line.\nAnd keep the old format as default.", 4),
    turn(2, "Now write the tests [bold]please[/]", 9, images=1),
    turn(3, "Rename the flag to --jsonl", 15),
]


@pytest.fixture(autouse=True)
def utc_clock() -> Iterator[None]:
    """Times are shown in local time; pin the zone so assertions and snapshots are stable."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def host(
    turns: list[UserTurn] | None = None,
    preview: PreviewText | None = None,
    initial_index: int | None = None,
) -> ModalHost:
    chosen = TURNS if turns is None else turns
    return ModalHost(lambda: ForkDialogScreen(list(chosen), preview, initial_index))


def highlighted(app: ModalHost) -> int | None:
    screen = app.screen
    assert isinstance(screen, ForkDialogScreen)
    chosen = screen.chosen()
    return None if chosen is None else chosen.index


def rendered(app: ModalHost, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_lists_turns_newest_last_and_highlights_the_last() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#fork-options", OptionList)
        prompts = [str(option.prompt) for option in options.options]
        assert prompts[0].startswith("1  Nov 25 12:01  Add a --json flag")
        assert "The output should be one object per line." in prompts[1]
        assert "keep the old format" not in prompts[1]  # first line only
        assert "[bold]please[/]" in prompts[2] and "+1 image" in prompts[2]
        assert highlighted(app) == 3
        assert app.screen.focused is options


async def test_enter_returns_the_highlighted_index() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("up", "up", "enter")
        assert app.results == [ForkChoice(1)]


async def test_ctrl_r_forks_there_and_asks_for_the_files_back() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("up", "ctrl+r")
        assert app.results == [ForkChoice(2, restore_files=True)]


async def test_enter_right_after_the_arrows_forks_where_they_moved() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await send_burst(app, ["up", "up", "enter"])
        await settle(pilot)
        assert app.results == [ForkChoice(1)]


async def test_initial_index_and_escape() -> None:
    app = host(initial_index=0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert highlighted(app) == 0
        await pilot.press("escape")
        assert app.results == [None]


async def test_preview_follows_the_highlight() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Fork before message 4." in rendered(app, "#fork-summary")
        assert "Keeps your 3 earlier messages" in rendered(app, "#fork-summary")
        assert rendered(app, "#fork-message") == "Rename the flag to --jsonl"
        await pilot.press("home")
        assert "Fork before message 1." in rendered(app, "#fork-summary")
        assert "new thread" in rendered(app, "#fork-summary")
        await pilot.press("down")
        await pilot.pause()
        assert rendered(app, "#fork-message").endswith("keep the old format as default.")


async def test_custom_preview_text_is_used() -> None:
    calls: list[int] = []

    def preview(n: int) -> str:
        calls.append(n)
        return f"keeps {n} earlier messages [red]and 7 tool calls[/]"

    app = host(preview=preview, initial_index=2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "keeps 2 earlier messages [red]and 7 tool calls[/]" in rendered(app, "#fork-summary")
        await pilot.press("down")
        await pilot.pause()
        assert calls[0] == 2 and calls[-1] == 3


async def test_message_text_is_literal_and_escapes_neutralised() -> None:
    evil = [turn(0, "[bold]x[/] \x1b[2J gone")]
    app = host(turns=evil)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rendered(app, "#fork-message") == "[bold]x[/] ␛[2J gone"
        prompt = str(app.screen.query_one("#fork-options", OptionList).options[0].prompt)
        assert "[bold]x[/] ␛[2J gone" in prompt


async def test_no_turns() -> None:
    app = host(turns=[])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#fork-empty", Static)
        assert empty.display and str(empty.render()) == NO_TURNS_TEXT
        await pilot.press("enter")
        assert app.results == []
        await pilot.press("escape")
        assert app.results == [None]


async def test_times_are_left_out_when_unknown() -> None:
    app = host(turns=[turn(0, "hello"), turn(1, "again")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#fork-options", OptionList)
        assert [str(option.prompt) for option in options.options] == ["1  hello", "2  again"]


def test_turn_time() -> None:
    assert turn_time("2026-11-25T12:04:59.123Z") == "Nov 25 12:04"
    assert turn_time(None) == "" and turn_time("yesterday") == ""
    assert "1 earlier message " in default_preview(turn(1, "x"))


def test_snapshot_fork_dialog(snap_compare: Any) -> None:
    assert snap_compare(host(initial_index=2), terminal_size=SIZE, run_before=settle)


async def test_every_binding_has_an_id_and_can_be_remapped() -> None:
    assert all(
        binding.id and binding.id.startswith("fork_dialog.")
        for binding in ForkDialogScreen.BINDINGS
        if isinstance(binding, Binding)
    )
    app = host()
    app.set_keymap({"fork_dialog.fork": "f"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("up", "f")
        assert app.results == [ForkChoice(2)]
