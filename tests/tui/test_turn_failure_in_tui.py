"""A turn that fails in a way nobody foresaw shows its error, and the thread takes the next
message as usual."""

from __future__ import annotations

from pathlib import Path

from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import answered, current_id, make_app, thread_on_screen, wait_until
from tui.widgets.composer import Composer


async def test_an_unexpected_failure_shows_and_the_thread_takes_the_next_message(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    scripted_server.enqueue(Reply.text("half an answer", odd_after=1), Reply.text("all fine"))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"first", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        errors = lambda: [e.text for e in view.transcript.entries if e.kind == "error"]  # noqa: E731
        await wait_until(pilot, lambda: bool(errors()) and not view.running)
        [error] = errors()
        assert "\n" not in error
        assert any(error in str(n.message) for n in app._notifications)

        await pilot.press(*"second", "enter")
        await wait_until(pilot, lambda: answered(view, "all fine"))
        assert app.query_one(Composer).text == ""
        assert len(errors()) == 1


async def test_a_session_that_cannot_be_saved_says_so_and_where(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "sessions").write_text("not a folder")  # fails even for root, unlike chmod
    app = make_app(home, scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: answered(view, "echo: hello"))
        [error] = [e.text for e in view.transcript.entries if e.kind == "error"]
        assert "could not be saved" in error and str(home / "sessions") in error
        assert any(error in str(n.message) for n in app._notifications)
