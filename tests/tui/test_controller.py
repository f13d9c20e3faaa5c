"""The controller alone, through a fake port: what it asks of the screen, and when.

``FakePort`` implements ``tui.threads.port.AppPort`` and records every call; its transcripts
live in a bare host App (they are widgets). The engine is the real one, talking to the scripted
server over HTTP, with rollouts in a temporary LHA_HOME.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen

from core.protocol.ids import ThreadId
from tests.support.agent_harness import past_session
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import FIXED_NOW, app_config, fixed_clock
from tui.status_text import StatusInfo
from tui.thread_rows import ThreadRow
from tui.threads.controller import Controller, OpenOptions
from tui.threads.state import PendingMessage, ThreadState
from tui.widgets.transcript import Transcript

AnswerT = TypeVar("AnswerT")


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Vertical(id="transcripts")


class FakePort:
    """Records what the controller asks of the screen; answers modals with ``answers``."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.rows: dict[ThreadId, ThreadRow] = {}
        self.row_updates: list[ThreadRow] = []
        self.shown: list[ThreadId] = []
        self.statuses: list[StatusInfo] = []
        self.queues: list[list[str]] = []
        self.composer: list[str | None] = []
        self.notes: list[str] = []
        self.errors: list[tuple[str, Transcript | None]] = []
        self.settings: list[tuple[str, str]] = []
        self.answers: list[object] = []
        self.tasks: list[asyncio.Task[object]] = []
        self.names: dict[str, str] = {}

    async def mount_transcript(self, transcript: Transcript) -> Transcript:
        await self.host.query_one("#transcripts").mount(transcript)
        return transcript

    def show_thread(self, state: ThreadState) -> None:
        self.shown.append(state.thread_id)

    async def upsert_row(self, row: ThreadRow) -> None:
        self.rows[row.thread_id] = row
        self.row_updates.append(row)

    async def remove_row(self, thread_id: ThreadId) -> None:
        self.rows.pop(thread_id, None)

    def show_names(self, names: Mapping[str, str]) -> None:
        self.names.update(names)

    def set_composer(self, text: str | None = None) -> None:
        self.composer.append(text)

    def show_status(self, info: StatusInfo) -> None:
        self.statuses.append(info)

    def show_queue(self, texts: list[str]) -> None:
        self.queues.append(list(texts))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notes.append(message)

    async def ask(self, screen: ModalScreen[AnswerT]) -> AnswerT:
        return self.answers.pop(0)  # type: ignore[return-value]

    def report_error(self, message: str, transcript: Transcript | None) -> None:
        self.errors.append((message, transcript))

    def start_worker(
        self, work: Coroutine[Any, Any, object], *, group: str, name: str = ""
    ) -> None:
        self.tasks.append(asyncio.create_task(work, name=group))

    def save_setting(self, key: str, value: str) -> None:
        self.settings.append((key, value))


@asynccontextmanager
async def running(
    tmp_path: Path, server: ScriptedServer
) -> AsyncIterator[tuple[Controller, FakePort]]:
    host = Host()
    async with host.run_test():
        port = FakePort(host)
        config = app_config(tmp_path / "home", server, tmp_path)
        controller = Controller(port, config, fixed_clock)
        controller.start()
        try:
            yield controller, port
        finally:
            await controller.close()
            for task in port.tasks:
                task.cancel()


async def until(predicate: Any, within_s: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_a_message_opens_a_thread_and_its_row_and_status_follow_its_state(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    async with running(tmp_path, scripted_server) as (controller, port):
        assert port.statuses[-1].thread_id is None, "before any thread: the config's status"
        await controller.send_message(PendingMessage("hello there"))
        state = controller.current_thread()
        assert state is not None and port.shown == [state.thread_id]
        await until(lambda: any(e.text == "echo: hello there" for e in state.transcript.entries))
        await until(lambda: not state.running)
        runs = [row.running for row in port.row_updates]
        assert True in runs and runs[-1] is False, "the row showed the turn, then its end"
        assert port.rows[state.thread_id].preview == "hello there"
        assert port.rows[state.thread_id].created_at == FIXED_NOW
        assert port.statuses[-1] == state.status()
        assert port.statuses[-1].thread_id == state.thread_id.short


async def test_a_fork_opens_by_the_same_path_with_its_options(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    async with running(tmp_path, scripted_server) as (controller, port):
        await controller.send_message(PendingMessage("one"))
        source = controller.current_thread()
        assert source is not None
        await until(lambda: source.has_user_message and not source.running)
        await controller.send_message(PendingMessage("two"))
        await until(lambda: any(e.text == "echo: two" for e in source.transcript.entries))
        await until(lambda: not source.running)

        fork = await controller.fork_current(1, "two")
        assert fork is not None and controller.current == fork.thread_id
        assert port.composer[-1] == "two", "the message forked before, ready to edit"
        row = port.rows[fork.thread_id]
        assert row.fork_note == "forked before #2" and row.forked_from_id == source.thread_id
        assert [e.text for e in fork.transcript.entries if e.kind == "user"] == ["one"]
        assert source.thread_id in controller.threads


async def test_a_thread_from_the_broadcast_is_listed_but_not_selected(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    async with running(tmp_path, scripted_server) as (controller, port):
        await controller.send_message(PendingMessage("mine"))
        mine = controller.current
        other = await controller.manager.start_thread(controller.config)
        await until(lambda: other.thread_id in port.rows)
        assert controller.current == mine, "the user stays on their thread"
        assert port.shown == [mine]
        await controller.open_new(asyncio.sleep(0, other), OpenOptions(select=False))
        assert controller.current == mine


async def test_an_engine_error_is_reported_into_the_thread_on_screen(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    gone = await past_session(tmp_path, scripted_server, "an old question")
    gone.unlink()
    async with running(tmp_path, scripted_server) as (controller, port):
        await controller.resume_path(gone)
        [(message, transcript)] = port.errors
        assert "no such session file" in message and transcript is None
        await controller.send_message(PendingMessage("now"))
        state = controller.current_thread()
        assert state is not None
        await controller.resume_path(gone)
        assert port.errors[-1][1] is state.transcript, "into the transcript on screen"


async def test_the_model_picker_answer_changes_the_thread_and_the_saved_setting(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    async with running(tmp_path, scripted_server) as (controller, port):
        await controller.send_message(PendingMessage("hi"))
        state = controller.current_thread()
        assert state is not None
        port.answers.append("gpt-5-mini")
        await controller.pick_model()
        assert state.model == "gpt-5-mini"
        assert port.rows[state.thread_id].model == "gpt-5-mini"
        assert port.statuses[-1].model == "gpt-5-mini"
        assert controller.config.model == "gpt-5-mini", "new threads get it too"
        assert port.settings == [("model", "gpt-5-mini")]


async def test_a_rename_redraws_the_row_and_status_once_or_names_a_past_row(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    past = await past_session(tmp_path, scripted_server, "an old question")
    past_id = past.name.removesuffix(".jsonl")[-36:]
    async with running(tmp_path, scripted_server) as (controller, port):
        names_read = [task for task in port.tasks if task.get_name() == "names"]
        assert names_read, "the names file is read when the engine starts"
        await until(lambda: all(task.done() for task in names_read))
        await controller.send_message(PendingMessage("hello"))
        state = controller.current_thread()
        assert state is not None
        # the turn's own row updates are over before counting the rename's (a race under load)
        await until(lambda: state.has_user_message and not state.running)
        updates = len(port.row_updates)
        await controller.rename_current("  greeting  ")
        assert state.name == "greeting"
        assert port.rows[state.thread_id].name == "greeting", "the row derives from the state"
        assert port.statuses[-1].name == "greeting"
        assert len(port.row_updates) == updates + 1, "one redraw"
        assert port.names == {}, "a live thread's name goes through its state"

        assert await controller.names.rename(ThreadId(past_id), "old one") == "old one"
        assert port.names == {past_id: "old one"}
        assert await controller.names.rename(ThreadId(past_id), "\x1b[2J") is None
        assert any("not renamed" in note for note in port.notes)
