"""Working in a long transcript: copy (OSC 52), find across unmounted parts, jump between user
messages and the outline. Driven with Textual's pilot against the scripted server and real
rollouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.find_marks import highlighted_words
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import (
    chat,
    current_id,
    make_app,
    thread_on_screen,
    wait_until,
)
from tui.app import LhaApp
from tui.screens.outline import OutlineScreen
from tui.start_request import StartRequest
from tui.widgets.entries import CodeBlockView
from tui.widgets.find_bar import FindBar
from tui.widgets.transcript import Transcript

ANSWER = "Here it is:\n\n```python\nprint('hi')\n```\n\nThat prints hi."


@pytest.fixture(autouse=True)
def _terminal_with_osc52(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("TERM_PROGRAM", raising=False)


def last_notice(app: LhaApp) -> str:
    notices = list(app._notifications)
    return notices[-1].message if notices else ""


async def test_copy_the_last_answer_a_focused_message_and_a_code_block(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.enqueue(Reply.text(ANSWER, chunks=3))
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"show me", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: not view.running and bool(view.transcript.last_answer()))

        await pilot.press(*"/copy", "enter")
        await pilot.pause()
        assert app.clipboard == ANSWER, "the Markdown source, fences and all"
        assert last_notice(app).startswith("copied the last answer")

        view.transcript.focus()
        await pilot.press("k")  # focus moves onto a message
        await pilot.press("k")
        assert isinstance(app.focused, Transcript) is False
        await pilot.press("c")
        assert app.clipboard == "show me"

        fence = view.transcript.query_one(CodeBlockView)
        await pilot.click(fence)
        assert app.focused is fence, "a click focuses the code block"
        await pilot.press("c")
        assert app.clipboard == "print('hi')"
        assert "code block" in last_notice(app)


async def test_copy_says_where_the_text_went_without_osc52(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM_PROGRAM", "Apple_Terminal")
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"/copy", "enter")
        await pilot.pause()
        assert last_notice(app) == "no answer to copy yet"
        await chat(pilot, "hello")
        await pilot.press(*"/copy", "enter")
        await pilot.pause()
        assert app.clipboard == "echo: hello"
        assert "lha's own buffer, not to the system clipboard" in last_notice(app)


async def test_find_counts_steps_and_mounts_an_unmounted_part(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    path = write_rollout(home, tmp_path, 300)
    app = make_app(home, scripted_server, tmp_path, start=StartRequest("resume", path))
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        transcript = thread_on_screen(app).transcript
        transcript.focus()
        await pilot.press("ctrl+f")
        find_bar = app.query_one(FindBar)
        assert find_bar.display and app.focused is find_bar.input
        await pilot.press(*"turn 7:")
        await pilot.pause()
        assert find_bar.state.count_label() == "1 of 1"
        start, end = transcript.mounted_range
        assert start <= 14 < end, "the part holding entry 14 (turn 7's question) was mounted"
        current = transcript.view_at(14)
        assert current is not None and transcript.find_mark(14) == "current"
        assert current.styles.background_tint.a > 0, "drawn on the widget"
        assert highlighted_words(current) == ["turn 7:"], "the words themselves too"

        await pilot.press("end", "ctrl+u", *"step 29")  # steps 29, 290..299
        await pilot.pause()
        assert find_bar.state.total == 11
        label = find_bar.state.count_label()
        await pilot.press("enter")
        assert find_bar.state.count_label() != label
        await pilot.press("shift+enter")
        assert find_bar.state.count_label() == label

        await pilot.press(*"zzz-nowhere")
        await pilot.pause()
        assert find_bar.state.count_label() == "no match"
        await pilot.press("escape")
        assert not find_bar.display and app.focused is transcript
        assert not any(c.styles.background_tint.a for c in transcript.children)
        assert not any(highlighted_words(c) for c in transcript.children)


async def test_slash_find_and_n_steps_from_the_transcript(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        view = await chat(pilot, "alpha one", "beta", "alpha two")
        await pilot.press(*"/find alpha", "enter")
        await pilot.pause()
        find_bar = app.query_one(FindBar)
        assert find_bar.state.total == 4  # two questions, two echoes
        view.transcript.focus()
        before = find_bar.state.current
        await pilot.press("n")
        assert find_bar.state.current == (before + 1) % 4
        await pilot.press("N")
        assert find_bar.state.current == before
        app.query_one("#composer").focus()
        await pilot.press(*"/find nothing-like-it", "enter")
        await pilot.pause()
        assert "no match for 'nothing-like-it'" in last_notice(app)


async def test_jump_between_user_messages_and_through_the_outline(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    path = write_rollout(home, tmp_path, 300)
    app = make_app(home, scripted_server, tmp_path, start=StartRequest("resume", path))
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        transcript = thread_on_screen(app).transcript
        transcript.focus()
        await pilot.press("[")
        assert transcript.index_in_view() == 598, "the last user message"
        await pilot.press("[")
        assert transcript.index_in_view() == 596
        await pilot.press("]")
        assert transcript.index_in_view() == 598

        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, OutlineScreen))
        await pilot.press("home", "down", "down", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, OutlineScreen))
        await pilot.pause()
        assert transcript.index_in_view() == 4, "turn 2's question, mounted and focused"
        focused = app.focused
        assert focused is not None and "turn 2:" in focused.entry.text  # type: ignore[attr-defined]


async def test_a_model_that_reasons_offers_its_efforts_and_the_choice_applies(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    from tests.support.tui_harness import answered, pick_model_with_keys
    from tui.widgets.status_line import StatusLine

    home = tmp_path / "home"
    scripted_server.models = ["gpt-5.1", "gpt-5-mini", "gpt-4.1"]
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        view = await chat(pilot, "one")
        await pick_model_with_keys(pilot, "mini", effort_keys=("end",))
        assert (view.model, view.effort) == ("gpt-5-mini", "high")
        assert "gpt-5-mini (high)" in str(app.query_one(StatusLine).render())
        await pilot.press(*"two", "enter")
        await wait_until(pilot, lambda: answered(view, "echo: two"))
        assert scripted_server.last_body()["reasoning_effort"] == "high"
        config_file = home / "config.toml"
        await wait_until(
            pilot, lambda: 'model_reasoning_effort = "high"' in config_file.read_text()
        )
