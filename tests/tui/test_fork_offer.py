"""A session open in another lha cannot be resumed here: the UI offers a fork of it instead."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.app import App
from textual.widgets import Static

from core.errors import SessionLocked
from core.protocol.ids import ThreadId
from core.rollout.recorder import RolloutRecorder
from tests.support.agent_harness import past_session
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import (
    current_id,
    make_app,
    open_threads,
    thread_on_screen,
    wait_until,
)
from tests.tui.modal_host import ModalHost, settle
from tui.notices import NOTICES_ID
from tui.preview import transcript_id
from tui.screens.fork_offer import ForkOfferScreen
from tui.start_request import StartRequest
from tui.widgets.sidebar import ThreadSidebar
from tui.widgets.transcript import Transcript

_HOLDER = """
import os, sys
from pathlib import Path
from core.protocol.ids import ThreadId
from core.rollout.recorder import RolloutRecorder
from core.rollout.lock import RolloutLock
home, path, thread_id = Path(sys.argv[1]), Path(sys.argv[2]), ThreadId(sys.argv[3])
RolloutRecorder.resume(path, RolloutLock(home, thread_id, "lha exec resume"))
print("locked", flush=True)
sys.stdin.read()
"""


@contextmanager
def held_by_another_process(home: Path, path: Path, thread_id: str) -> Iterator[int]:
    """Another process that has the session open (the lock, and its note); yields its pid."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(home), str(path), thread_id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield holder.pid
    finally:
        holder.kill()
        holder.communicate(timeout=30)


def _offer_shown(app: App[object]) -> bool:
    return isinstance(app.screen, ForkOfferScreen) and bool(app.screen.query("#fork-offer-text"))


async def _source(tmp_path: Path, server: ScriptedServer) -> tuple[Path, str]:
    path = await past_session(tmp_path, server, "first", "second")
    thread_id = (await RolloutRecorder.get_rollout_history(path)).thread_id
    assert thread_id is not None
    return path, str(thread_id)


async def test_lha_resume_of_a_session_open_elsewhere_offers_a_fork_and_opens_it(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    path, source_id = await _source(tmp_path, scripted_server)
    home = tmp_path / "home"
    before = path.read_bytes()
    with held_by_another_process(home, path, source_id) as pid:
        app = make_app(home, scripted_server, tmp_path, start=StartRequest("resume", path))
        async with app.run_test(size=(110, 32)) as pilot:
            await wait_until(pilot, lambda: _offer_shown(app), within_s=10)
            text = str(app.screen.query_one("#fork-offer-text", Static).render())
            assert text == f"{source_id} is open in another lha (pid {pid}). Open a fork of it?"
            await pilot.pause()
            await pilot.click("#fork-offer-fork")
            await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
            view = thread_on_screen(app)
            assert str(view.thread_id) != source_id
            assert [e.text for e in view.transcript.entries if e.kind == "user"] == [
                "first",
                "second",
            ], "the fork is a copy of the whole thread"
            row = app.query_one(ThreadSidebar).find(view.thread_id)
            assert row is not None and str(row.row.forked_from_id) == source_id
            assert app.transcripts.visible_content is view.transcript
            assert not app.transcripts.query(f"#{transcript_id(source_id)}"), "no stale tail"
    assert path.read_bytes() == before, "the source was only read"


async def test_picking_a_session_open_elsewhere_and_cancelling_opens_nothing(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    path, source_id = await _source(tmp_path, scripted_server)
    home = tmp_path / "home"
    with held_by_another_process(home, path, source_id):
        app = make_app(home, scripted_server, tmp_path)
        async with app.run_test(size=(110, 32)) as pilot:
            sidebar = app.query_one(ThreadSidebar)
            await wait_until(pilot, lambda: len(sidebar.rows()) == 1)
            await pilot.press("ctrl+t")  # the list, on the past session
            sidebar.select(ThreadId(source_id))
            await pilot.press("enter")
            await wait_until(pilot, lambda: _offer_shown(app), within_s=10)
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.transcripts.current == NOTICES_ID)
            assert open_threads(app) == {} and current_id(app) is None
            notices = app.transcripts.visible_content
            assert isinstance(notices, Transcript)
            errors = [e.text for e in notices.entries if e.kind == "error"]
            assert len(errors) == 1 and "is open in another lha" in errors[0]


async def test_the_offer_answers_with_its_keys() -> None:
    locked = SessionLocked(str(ThreadId.new()), pid=77)
    app = ModalHost(lambda: ForkOfferScreen(locked))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")  # nothing is focused: a stray Enter decides nothing
        await pilot.press("f")
        await settle(pilot)
        app.push_screen(ForkOfferScreen(locked), callback=app.results.append)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [True, False]
