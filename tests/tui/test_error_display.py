"""Engine errors outside a turn show as a notification and in the transcript; the app runs on."""

from __future__ import annotations

from pathlib import Path

from core.protocol.ids import ThreadId
from core.rollout.paths import rollout_path_for
from tests.support.agent_harness import past_session
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import current_id, make_app, thread_on_screen, wait_until
from tui.app import LhaApp
from tui.notices import NOTICES_ID
from tui.start_request import StartRequest
from tui.widgets.sidebar import ThreadSidebar
from tui.widgets.transcript import Transcript


def _notified(app: LhaApp, needle: str) -> bool:
    return any(needle in str(n.message) for n in app._notifications)


def _errors(transcript: Transcript) -> list[str]:
    return [e.text for e in transcript.entries if e.kind == "error"]


async def test_resuming_a_corrupt_rollout_shows_why_and_keeps_going(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    path = rollout_path_for(home, ThreadId.new())
    path.parent.mkdir(parents=True)
    body = '{"timestamp":"t","type":"event_msg","payload":{"type":"user_message","message":"hi"}}\n'
    path.write_text(body)  # a rollout's name, but no session_meta line
    app = make_app(home, scripted_server, tmp_path, start=StartRequest("resume", path))
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: app.transcripts.current == NOTICES_ID)
        notices = app.transcripts.visible_content
        assert isinstance(notices, Transcript)
        [error] = _errors(notices)
        assert str(path) in error and "\n" not in error
        assert _notified(app, str(path))
        assert len(list(app.transcripts.query(Transcript))) == 1, "the bad file's tail is gone"
        assert path.read_text() == body, "nothing is written to the file"

        await pilot.press(*"hello", "enter")  # the app runs on: a new thread starts
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: any(e.kind == "assistant" for e in view.transcript.entries))
        assert app.transcripts.visible_content is view.transcript


async def test_a_past_session_gone_from_disk_reports_in_the_current_thread(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    old_path = await past_session(tmp_path, scripted_server, "an old question")

    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        sidebar = app.query_one(ThreadSidebar)
        await wait_until(pilot, lambda: len(sidebar.rows()) == 1)
        scripted_server.enqueue(Reply.text("fine"))
        await pilot.press(*"current", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)

        old_path.unlink()  # removed by hand while lha shows it in the list
        past = next(r for r in sidebar.rows() if not r.row.live)
        sidebar.list_view.focus()
        sidebar.select(past.row.thread_id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(_errors(view.transcript)))
        assert current_id(app) == view.thread_id, "still on the current thread"
        [error] = _errors(view.transcript)
        assert "no such session file" in error and _notified(app, error)
