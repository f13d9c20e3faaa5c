"""The journey issue 5 promises a new user, with the keyboard alone: chat, switch model, fork from
an earlier message, go back to the original thread, and resume an old session.

Every step is a key press through Textual's pilot; model traffic goes over real HTTP to the
scripted server, and rollouts are real files in the test's LHA_HOME.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.agent_harness import past_session
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import (
    answered,
    chat,
    current_id,
    make_app,
    open_threads,
    pick_model_with_keys,
    thread_on_screen,
    wait_until,
)
from tui.app import LhaApp
from tui.screens.fork_dialog import ForkDialogScreen
from tui.threads.state import ThreadState
from tui.widgets.composer import Composer
from tui.widgets.sidebar import ThreadSidebar


def _user_texts(view: ThreadState) -> list[str]:
    return [e.text for e in view.transcript.entries if e.kind == "user"]


def _highlighted_id(app: LhaApp) -> object:
    item = app.query_one(ThreadSidebar).list_view.highlighted_child
    return getattr(getattr(item, "row", None), "thread_id", None)


async def test_chat_switch_model_fork_go_back_and_resume_with_the_keyboard_alone(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    await past_session(tmp_path, scripted_server, "an old question")
    scripted_server.models = ["gpt-5.1", "gpt-5-mini"]
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        await wait_until(pilot, lambda: len(sidebar.rows()) == 1)  # the old session

        # Chat: two messages in a new thread.
        original = await chat(pilot, "alpha", "beta")

        # Switch model: Ctrl+O, type to filter, Enter; the next request uses it.
        await pick_model_with_keys(pilot, "mini")
        assert original.model == "gpt-5-mini"
        assert "gpt-5-mini" in str(app.query_one("#status").render())

        # Fork before "beta": Esc Esc on the empty composer, Enter on the highlighted last
        # message; edit the pre-filled text and send it in the fork.
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ForkDialogScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_id(app) not in (None, original.thread_id))
        fork = thread_on_screen(app)
        composer = app.query_one(Composer)
        assert composer.text == "beta" and composer.has_focus
        await pilot.press(*" again", "enter")
        await wait_until(pilot, lambda: answered(fork, "echo: beta again"))
        assert scripted_server.last_body()["model"] == "gpt-5-mini"
        assert _user_texts(fork) == ["alpha", "beta again"]
        assert _user_texts(original) == ["alpha", "beta"], "the original is untouched"
        fork_row = sidebar.find(fork.thread_id)
        assert fork_row is not None and fork_row.row.preview == "alpha", "its first message"

        # Go back to the original: Ctrl+T, Up to its row (the fork sits under it), Enter.
        await pilot.press("ctrl+t")
        assert _highlighted_id(app) == fork.thread_id
        await pilot.press("up")
        assert _highlighted_id(app) == original.thread_id
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_id(app) == original.thread_id)
        assert app.transcripts.visible_content is original.transcript
        assert composer.has_focus

        # Resume the old session: Ctrl+T, down past the fork to it, Enter.
        await pilot.press("ctrl+t", "down", "down")
        old = sidebar.rows()[-1].row
        assert not old.live and _highlighted_id(app) == old.thread_id
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_id(app) == old.thread_id)
        resumed = open_threads(app)[old.thread_id]
        assert _user_texts(resumed) == ["an old question"]
        scripted_server.enqueue(Reply.text("a new answer"))
        await pilot.press(*"and now?", "enter")
        await wait_until(pilot, lambda: answered(resumed, "a new answer"))
        assert len(open_threads(app)) == 3, "original, fork and resumed session all stay open"
        resumed_row = sidebar.find(old.thread_id)
        assert resumed_row is not None and resumed_row.row.preview == "an old question"
