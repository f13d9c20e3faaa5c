"""`lha fork (ID | PATH) --at N` opens the UI on a new fork of a past session."""

from __future__ import annotations

from pathlib import Path

from core.rollout.recorder import RolloutRecorder
from tests.support.agent_harness import past_session
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import current_id, make_app, thread_on_screen, wait_until
from tui.start_request import StartRequest
from tui.widgets.sidebar import ThreadSidebar


async def test_the_ui_opens_on_a_fork_before_the_chosen_message(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    source = await past_session(tmp_path, scripted_server, "first", "second", "third")
    source_id = (await RolloutRecorder.get_rollout_history(source)).thread_id
    app = make_app(
        tmp_path / "home", scripted_server, tmp_path, start=StartRequest("fork", source, fork_at=2)
    )
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        view = thread_on_screen(app)
        assert view.thread_id != source_id
        users = [e.text for e in view.transcript.entries if e.kind == "user"]
        assert users == ["first", "second"], "everything before the third message"
        row = app.query_one(ThreadSidebar).find(view.thread_id)
        assert row is not None and row.row.forked_from_id == source_id
        assert row.row.fork_note == "forked before #3", "the same note as the fork dialog's"
        assert app.transcripts.visible_content is view.transcript


async def test_an_index_past_the_end_opens_a_new_empty_thread(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    source = await past_session(tmp_path, scripted_server, "only")
    app = make_app(
        tmp_path / "home", scripted_server, tmp_path, start=StartRequest("fork", source, fork_at=9)
    )
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        view = thread_on_screen(app)
        assert view.transcript.entries == [], "as the Codex CLI does: a new, empty thread"
