"""The app's behaviour, driven with Textual's pilot against the scripted server on loopback."""

from __future__ import annotations

from pathlib import Path

from textual import events

from core.protocol.ops import UserInput
from tests.support.agent_harness import past_session
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import (
    answered,
    chat,
    current_id,
    engine,
    make_app,
    open_threads,
    pick_model_with_keys,
    thread_on_screen,
    wait_until,
)
from tui.start_request import StartRequest
from tui.widgets.composer import Composer
from tui.widgets.entries import AssistantMessageView, NoticeView
from tui.widgets.sidebar import ThreadSidebar


async def test_chat_streams_an_answer(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    scripted_server.enqueue(
        Reply.text("Here is **bold** and `code`.", chunks=5, reasoning="pondering")
    )
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"hi there", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: not view.running and len(view.transcript.entries) >= 3)
        kinds = [e.kind for e in view.transcript.entries if e.kind != "warning"]
        assert kinds == ["user", "reasoning", "assistant"]
        answers = list(view.transcript.query(AssistantMessageView))
        assert answers[-1].entry.text == "Here is **bold** and `code`."
        assert app.query_one(Composer).text == ""
        rows = app.query_one(ThreadSidebar).rows()
        assert [r.row.preview for r in rows if r.row.live] == ["hi there"]
        assert "gpt-5.1" in str(app.query_one("#status").render())


async def test_sidebar_updates_on_broadcast(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: app.controller is not None)
        new = await engine(app).manager.start_thread(engine(app).config)
        await wait_until(pilot, lambda: new.thread_id in open_threads(app))
        sidebar = app.query_one(ThreadSidebar)
        assert sidebar.find(new.thread_id) is not None
        await new.thread.submit(UserInput.text("from elsewhere"))
        view = open_threads(app)[new.thread_id]
        await wait_until(pilot, lambda: any(e.kind == "assistant" for e in view.transcript.entries))


async def test_resume_from_the_sidebar(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    path = await past_session(tmp_path, scripted_server, "first question", "second question")
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        await wait_until(pilot, lambda: len(sidebar.rows()) == 1)
        past = sidebar.rows()[0]
        assert not past.row.live and past.row.preview == "first question"
        sidebar.list_view.focus()
        sidebar.select(past.row.thread_id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: past.row.thread_id in open_threads(app))
        view = open_threads(app)[past.row.thread_id]
        assert current_id(app) == past.row.thread_id
        texts = [e.text for e in view.transcript.entries if e.kind in ("user", "assistant")]
        assert texts == [
            "first question",
            "answer to first question",
            "second question",
            "answer to second question",
        ]
        assert view.rollout_path == path
        assert [r.row.live for r in sidebar.rows()] == [True]


async def test_escape_interrupts_a_running_turn(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    scripted_server.enqueue(Reply.text("this never ends", stall_after=1, stall_s=30))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"go", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: view.running)
        row = app.query_one(ThreadSidebar).find(view.thread_id)
        assert row is not None
        await wait_until(pilot, lambda: "working" in str(row.render()))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not view.running)
        await wait_until(pilot, lambda: "working" not in str(row.render()))
        notices = [n.entry.text for n in view.transcript.query(NoticeView)]
        assert any("turn aborted" in text for text in notices)
        assert not any(e.kind == "assistant" for e in view.transcript.entries)


async def test_an_engine_error_is_shown_and_the_app_keeps_running(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    scripted_server.enqueue(Reply.error(401))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: any(e.kind == "error" for e in view.transcript.entries))
        error = next(e for e in view.transcript.entries if e.kind == "error")
        assert "API key" in error.text
        assert any("API key" in str(n.message) for n in app._notifications)
        scripted_server.enqueue(Reply.text("back again"))
        await pilot.press(*"retry", "enter")
        await wait_until(
            pilot, lambda: any(e.text == "back again" for e in view.transcript.entries)
        )


async def test_model_text_escapes_are_neutralised(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    scripted_server.enqueue(Reply.text("clear \x1b[2J screen [bold]x[/bold]", chunks=1))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"hi", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: any(e.kind == "assistant" for e in view.transcript.entries))
        await wait_until(pilot, lambda: not view.running)
        answer = view.transcript.query(AssistantMessageView).last()
        rendered = answer.source
        assert "\x1b" not in rendered and "␛[2J" in rendered


async def test_fork_before_a_message_selects_the_new_thread_and_prefills(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await chat(pilot, *("one", "two"))
        source = current_id(app)
        new = await engine(app).fork_current(1, "two")
        assert new is not None
        await wait_until(pilot, lambda: current_id(app) == new.thread_id)
        assert app.query_one(Composer).text == "two"
        fork_view = open_threads(app)[new.thread_id]
        assert [e.text for e in fork_view.transcript.entries if e.kind == "user"] == ["one"]
        row = app.query_one(ThreadSidebar).find(new.thread_id)
        assert row is not None and row.row.forked_from_id == source
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: any(e.text == "echo: two" for e in fork_view.transcript.entries)
        )
        assert source in open_threads(app), "the original thread is still open"


async def test_slash_new_starts_a_thread(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"/ne")
        hints = app.query_one("#slash-hints")
        assert "/new" in str(hints.render())
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: len(open_threads(app)) == 1)
        assert app.query_one(Composer).text == ""
        await pilot.press("ctrl+n", "ctrl+n")  # still empty: no second empty thread
        await pilot.pause()
        assert len(open_threads(app)) == 1
        await pilot.press(*"hi", "enter")
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: answered(view, "echo: hi"))
        await pilot.press("ctrl+n")
        await wait_until(
            pilot, lambda: len(open_threads(app)) == 2 and current_id(app) != view.thread_id
        )


async def test_up_recalls_earlier_input(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"first", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        await pilot.press("up")
        assert app.query_one(Composer).text == "first"


async def test_model_picker_filters_applies_and_saves(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:

    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('# my settings\nmodel = "gpt-5.1"\n')
    scripted_server.models = ["gpt-5.1", "gpt-5-mini", "local-llama"]
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"one", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: answered(view, "echo: one"))
        await pick_model_with_keys(pilot, "mini")
        assert view.model == "gpt-5-mini"
        await pilot.press(*"two", "enter")
        await wait_until(pilot, lambda: answered(view, "echo: two"))
        assert scripted_server.last_body()["model"] == "gpt-5-mini"
        config_file = home / "config.toml"
        await wait_until(pilot, lambda: 'model = "gpt-5-mini"' in config_file.read_text())
    assert "# my settings" in config_file.read_text()


async def test_fork_dialog_forks_before_the_chosen_message(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    from tui.screens.fork_dialog import ForkDialogScreen

    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await chat(pilot, *("alpha", "beta", "gamma"))
        source = current_id(app)
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ForkDialogScreen))
        await pilot.press("up", "enter")  # the last message is highlighted; pick "beta"
        await wait_until(pilot, lambda: current_id(app) != source)
        fork = thread_on_screen(app)
        assert [e.text for e in fork.transcript.entries if e.kind == "user"] == ["alpha"]
        assert app.query_one(Composer).text == "beta"
        row = app.query_one(ThreadSidebar).find(fork.thread_id)
        assert row is not None and row.row.fork_note == "forked before #2"
        shown = str(row.render()).splitlines()
        assert shown[1].strip().startswith("forked before #2"), "lineage leads the details"


async def test_keymap_from_config_remaps_a_binding(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    from tests.support.tui_harness import app_config, fixed_clock
    from tui.app import LhaApp

    config = app_config(tmp_path / "home", scripted_server, tmp_path)
    config = config.model_copy(
        update={"tui": config.tui.model_copy(update={"keymap": {"app.new_thread": "f5"}})}
    )
    app = LhaApp(config, clock=fixed_clock)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press("f5")
        await wait_until(pilot, lambda: len(open_threads(app)) == 1)


async def test_theme_choice_is_saved(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    home = tmp_path / "home"
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        app.theme = "nord"
        config_file = home / "config.toml"
        await wait_until(
            pilot, lambda: config_file.exists() and 'theme = "nord"' in config_file.read_text()
        )


async def test_command_palette_offers_the_actions(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)):
        titles = {command.title for command in app.get_system_commands(app.screen)}
    assert {"New thread", "Switch model", "Fork thread", "Resume session"} <= titles


async def test_a_bad_config_found_after_the_first_frame_exits_with_one_line(
    tmp_path: Path,
) -> None:
    from core.config import Config
    from core.errors import ConfigError
    from tui.app import LhaApp
    from tui.ui_settings import read_ui_settings

    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('model = "gpt-5.1"\napproval_policy = "sometimes"\n')
    settings = read_ui_settings(home, tmp_path)
    assert settings.model == "gpt-5.1"

    def load() -> Config:
        return Config.load(lha_home=home, cwd=tmp_path)

    app = LhaApp(load_config=load, settings=settings)
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2

    # `lha resume`: the thread's tail is drawn first, then the same one-line exit.
    path = write_rollout(home, tmp_path, 3)
    resume = LhaApp(load_config=load, settings=settings, start=StartRequest("resume", path))
    async with resume.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: resume.return_code is not None)
    assert resume.return_code == 2
    try:
        load()
    except ConfigError as err:
        assert "approval_policy" in str(err) and "\n" not in str(err)


async def test_up_recalls_input_from_an_earlier_run(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    first = make_app(home, scripted_server, tmp_path)
    async with first.run_test(size=(110, 32)) as pilot:
        await chat(pilot, *("older question", "newer question"))
        await pilot.press(*"/new", "enter")  # a command: not kept in the history
    history = home / "history.jsonl"
    assert history.stat().st_mode & 0o777 == 0o600
    history.write_text(history.read_text() + "{torn line\n")

    second = make_app(home, scripted_server, tmp_path)
    async with second.run_test(size=(110, 32)) as pilot:
        composer = second.query_one(Composer)
        await wait_until(pilot, lambda: len(composer.sent_history) == 2)
        await pilot.press("up")
        assert composer.text == "newer question"
        await pilot.press("up")
        assert composer.text == "older question"


async def test_keys_typed_while_lha_starts_reach_the_composer(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """Keys that reach the app before its widgets are mounted (typed on the pre-painted frame,
    whose composer invites typing) wait in its queue; the composer must have the focus by the
    time they are handled, not get it after them."""
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    for char in "héllo":  # queued as the terminal driver queues them, before mounting
        app.post_message(events.Key(char, char))
    async with app.run_test(size=(110, 32)) as pilot:
        composer = app.query_one(Composer)
        await wait_until(pilot, lambda: composer.text == "héllo")
        assert app.focused is composer
        await pilot.press(*" you")
        assert composer.text == "héllo you", "later keys follow, in order"
