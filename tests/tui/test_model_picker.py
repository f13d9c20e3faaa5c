"""The model picker: filtering, picking, cancelling, background refresh, markers, snapshot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.binding import Binding
from textual.widgets import Input, OptionList, Static

from core.models.info import ModelPreset
from tests.support.tui_harness import send_burst
from tests.tui.modal_host import ModalHost, no_blink, settle
from tui.fuzzy import FuzzyMatch, best_match, fuzzy_match
from tui.screens.model_picker import (
    CURRENT_MARKER,
    DEFAULT_MARKER,
    LOADING_TEXT,
    NO_MATCH_TEXT,
    NO_MODELS_TEXT,
    ModelPickerScreen,
    filter_models,
)

SIZE = (100, 30)


def preset(slug: str, name: str, description: str = "", **extra: Any) -> ModelPreset:
    return ModelPreset(id=slug, model=slug, display_name=name, description=description, **extra)


MODELS = [
    preset(
        "gpt-5.1-codex", "GPT-5.1 Codex", "Optimised for agentic coding.", context_window=400_000
    ),
    preset("gpt-5.1", "GPT-5.1", "Broad world knowledge.", is_default=True, context_window=400_000),
    preset("gpt-5-mini", "GPT-5 mini", "Fast, inexpensive reasoning model."),
    preset("o4-mini", "o4-mini", "Small, fast reasoning model.", context_window=200_000),
    preset("gpt-4.1", "GPT-4.1", "One-million-token context.", context_window=1_047_576),
    preset("gpt-4o", "GPT-4o", "Older multimodal model.", show_in_picker=False),
]


def host(
    models: list[ModelPreset] | None = None,
    current: str | None = "gpt-5.1-codex",
    refresh: Callable[[], Any] | None = None,
) -> ModalHost:
    return ModalHost(
        lambda: ModelPickerScreen(list(MODELS if models is None else models), current, refresh)
    )


def shown(app: ModalHost) -> list[str]:
    options = app.screen.query_one("#model-options", OptionList)
    return [str(option.id) for option in options.options]


def highlighted(app: ModalHost) -> str | None:
    screen = app.screen
    assert isinstance(screen, ModelPickerScreen)
    return screen.highlighted_model()


def prompt_text(app: ModalHost, slug: str) -> str:
    options = app.screen.query_one("#model-options", OptionList)
    return str(options.get_option(slug).prompt)


async def test_opens_on_the_given_list_with_current_highlighted() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown(app) == ["gpt-5.1-codex", "gpt-5.1", "gpt-5-mini", "o4-mini", "gpt-4.1"]
        assert highlighted(app) == "gpt-5.1-codex"
        assert app.screen.focused is app.screen.query_one("#model-filter", Input)


async def test_markers_descriptions_and_hidden_models() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        current = prompt_text(app, "gpt-5.1-codex")
        assert CURRENT_MARKER in current and "Optimised for agentic coding." in current
        assert "400K context" in current and DEFAULT_MARKER not in current
        assert DEFAULT_MARKER in prompt_text(app, "gpt-5.1")
        assert CURRENT_MARKER not in prompt_text(app, "gpt-5.1")
        assert "1M context" in prompt_text(app, "gpt-4.1")
        assert "gpt-4o" not in shown(app)  # show_in_picker=False


async def test_hidden_current_model_stays_visible() -> None:
    app = host(current="gpt-4o")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "gpt-4o" in shown(app)
        assert highlighted(app) == "gpt-4o"


async def test_highlight_starts_on_default_when_current_is_unknown() -> None:
    app = host(current="some-local-model")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert highlighted(app) == "gpt-5.1"


async def test_typing_filters_fuzzily_and_enter_picks_the_top_match() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"o4m")
        assert shown(app) == ["o4-mini"]
        await pilot.press("backspace", "backspace", "backspace", *"mini")
        assert set(shown(app)) == {"gpt-5-mini", "o4-mini"}
        top = shown(app)[0]
        assert highlighted(app) == top
        await pilot.press("enter")
        assert app.results == [top]


async def test_enter_right_after_typing_picks_by_what_was_typed() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await send_burst(app, [*"o4m", "enter"])
        await settle(pilot)
        assert app.results == ["o4-mini"]


async def test_filter_matches_display_name_too() -> None:
    app = host(models=[preset("x-1", "Banana Model"), preset("y-2", "Cherry")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"bnn")
        assert shown(app) == ["x-1"]


async def test_arrow_keys_move_while_typing() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"gpt")
        top = shown(app)
        assert highlighted(app) == top[0]
        await pilot.press("down", "down", "up")
        assert highlighted(app) == top[1]
        assert app.screen.focused is app.screen.query_one("#model-filter", Input)
        await pilot.press("enter")
        assert app.results == [top[1]]


async def test_no_match_message_and_enter_does_nothing() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zzzz")
        assert shown(app) == []
        empty = app.screen.query_one("#model-empty", Static)
        assert empty.display and str(empty.render()) == NO_MATCH_TEXT
        await pilot.press("enter")
        assert app.results == []
        await pilot.press("escape")
        assert app.results == [None]


async def test_escape_cancels() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "escape")
        assert app.results == [None]


async def test_clicking_an_option_picks_it() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#model-options", OptionList)
        options.action_last()
        options.action_select()
        await pilot.pause()
        assert app.results == ["gpt-4.1"]


async def test_refresh_replaces_the_list_and_keeps_the_highlight() -> None:
    release = asyncio.Event()

    async def refresh() -> list[ModelPreset]:
        await release.wait()
        return [preset("brand-new", "Brand New"), *MODELS[2:], preset("gpt-5.1", "GPT-5.1")]

    app = host(refresh=refresh)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down")
        assert highlighted(app) == "gpt-5-mini"
        release.set()
        await settle(pilot)
        assert shown(app)[0] == "brand-new"
        assert "gpt-5.1-codex" not in shown(app)
        assert highlighted(app) == "gpt-5-mini"
        await pilot.press("enter")
        assert app.results == ["gpt-5-mini"]


async def test_refresh_keeps_the_filter() -> None:
    async def refresh() -> list[ModelPreset]:
        return [*MODELS, preset("o3-mini", "o3-mini")]

    release = asyncio.Event()

    async def slow_refresh() -> list[ModelPreset]:
        await release.wait()
        return await refresh()

    app = host(refresh=slow_refresh)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"mini")
        before = shown(app)
        release.set()
        await settle(pilot)
        assert set(shown(app)) == {*before, "o3-mini"}


async def test_failed_refresh_keeps_the_list_and_says_so() -> None:
    async def refresh() -> list[ModelPreset]:
        raise ConnectionError("provider unreachable")

    app = host(refresh=refresh)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(shown(app)) == 5
        status = app.screen.query_one("#model-status", Static)
        assert status.display and "provider unreachable" in str(status.render())
        assert app.is_running


async def test_model_text_is_not_markup_and_escapes_are_neutralised() -> None:
    evil = preset("evil", "[bold red]Evil[/]", "\x1b[2J wipes [link=x]the screen[/link]")
    app = host(models=[evil], current=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = prompt_text(app, "evil")
        assert "[bold red]Evil[/]" in text
        assert "␛[2J wipes [link=x]the screen[/link]" in text
        assert "\x1b" not in text


def test_filter_ranks_tighter_matches_first() -> None:
    rows = filter_models(MODELS, "codex")
    assert [row.preset.model for row in rows] == ["gpt-5.1-codex"]
    rows = filter_models(MODELS, "mini")
    assert {row.preset.model for row in rows[:2]} == {"gpt-5-mini", "o4-mini"}
    assert fuzzy_match("g5c", "gpt-5.1-codex") is not None


def test_snapshot_model_picker(snap_compare: Any) -> None:
    assert snap_compare(host(), terminal_size=SIZE, run_before=no_blink)


def test_snapshot_model_picker_filtered(snap_compare: Any) -> None:
    async def type_filter(pilot: Any) -> None:
        await pilot.press(*"mini")
        await no_blink(pilot)

    assert snap_compare(host(), terminal_size=SIZE, run_before=type_filter)


async def test_every_binding_has_an_id_and_can_be_remapped() -> None:
    assert all(
        binding.id and binding.id.startswith("model_picker.")
        for binding in ModelPickerScreen.BINDINGS
        if isinstance(binding, Binding)
    )
    app = host()
    app.set_keymap({"model_picker.down": "ctrl+n"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n", "enter")
        assert app.results == ["gpt-5.1"]


def test_fuzzy_match_positions_and_preferences() -> None:
    assert fuzzy_match("xyz", "gpt") is None
    assert fuzzy_match("", "gpt") == FuzzyMatch(0.0, ())
    assert fuzzy_match("gpt 5", "gpt-5")
    match = fuzzy_match("codex", "gpt-5.1-codex")
    assert match is not None and match.positions == (8, 9, 10, 11, 12)
    # Word starts win over scattered letters: "gm" hits the g of gpt and the m of mini.
    match = fuzzy_match("gm", "gpt-5-mini")
    assert match is not None and match.positions == (0, 6)
    tight, loose = fuzzy_match("mini", "o4-mini"), fuzzy_match("mini", "m-i-n-i-x")
    assert tight is not None and loose is not None and tight.score > loose.score
    found = best_match("g5c", ["gpt-5", "gpt-5.1-codex"])
    assert found is not None and found[0] == 1


async def test_empty_cache_shows_loading_then_the_refreshed_list() -> None:
    release = asyncio.Event()

    async def refresh() -> list[ModelPreset]:
        await release.wait()
        return list(MODELS)

    app = host(models=[], refresh=refresh)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#model-empty", Static).render()) == LOADING_TEXT
        release.set()
        await settle(pilot)
        assert len(shown(app)) == 5
        assert highlighted(app) == "gpt-5.1-codex"


async def test_no_models_at_all() -> None:
    async def refresh() -> list[ModelPreset]:
        raise ConnectionError("offline")

    app = host(models=[], refresh=refresh)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert str(app.screen.query_one("#model-empty", Static).render()) == NO_MODELS_TEXT
