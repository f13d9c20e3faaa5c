"""The lha terminal UI: one App, one ThreadManager, one event loop.

A worker follows the manager's thread-created broadcast and attaches every new thread (started
here, forked, resumed, or by anyone else); one worker per open thread drains its events into its
transcript. Engine errors become notifications and transcript notices; the app keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from core.agent.agent_thread import AgentThread
from core.agent.broadcast import BroadcastLagged
from core.agent.thread_manager import NewThread, ThreadManager
from core.config import Config
from core.errors import InternalAgentDied, LhaError, TryLockError
from core.llm.catalog_strategy import CatalogRefreshStrategy
from core.protocol.events import (
    ErrorEvent,
    Event,
    ExecApprovalRequest,
    SessionConfigured,
    ShutdownComplete,
    TaskComplete,
    TaskStarted,
    TokenCount,
    TurnAbortedEvent,
    UserMessageEvent,
)
from core.protocol.ids import ThreadId
from core.protocol.ops import ExecApproval, Interrupt, OverrideTurnContext, UserInput
from core.protocol.session import SessionSource
from core.rollout.listing import ThreadsPage
from tui.slash_commands import matching_commands, parse_slash_command
from tui.thread_view import ThreadView
from tui.transcript_model import entries_from_replay, last_token_info
from tui.widgets.composer import Composer
from tui.widgets.sidebar import ThreadRow, ThreadSidebar, now_utc
from tui.widgets.status_line import StatusInfo, StatusLine
from tui.widgets.transcript import Transcript

ESC_ESC_WINDOW_S = 1.0
STATUS_EVENTS = (TaskStarted, TaskComplete, TurnAbortedEvent, ErrorEvent, TokenCount)
"""Events that change the status line; deltas do not, and redrawing it per token is waste."""
PAST_PAGE_SIZE = 50


@dataclass(frozen=True)
class StartRequest:
    """What ``lha resume`` / ``lha fork`` ask the app to open first."""

    kind: str  # "resume" | "fork"
    path: Path
    fork_at: int = 0


class LhaApp(App[None]):
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))
    TITLE = "lha"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_thread", "New thread", id="app.new_thread"),
        Binding("ctrl+o", "pick_model", "Model", id="app.pick_model"),
        Binding("ctrl+b", "fork_thread", "Fork", id="app.fork_thread"),
        Binding("ctrl+t", "focus_threads", "Threads", id="app.focus_threads"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        config: Config,
        *,
        manager: ThreadManager | None = None,
        clock: Callable[[], datetime] = now_utc,
        start: StartRequest | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.clock = clock
        self._manager = manager
        self._start = start
        self.views: dict[ThreadId, ThreadView] = {}
        self.current: ThreadId | None = None
        self._select_on_attach: set[ThreadId] = set()
        self._prefill_on_attach: dict[ThreadId, str] = {}
        self._fork_notes: dict[ThreadId, str] = {}
        self._attach_lock = asyncio.Lock()
        self._last_escape = 0.0

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield ThreadSidebar(self._load_past_page, self.clock, id="sidebar")
            with Vertical(id="conversation"):
                with ContentSwitcher(id="transcripts", initial="empty"):
                    yield Static(EMPTY_STATE, id="empty", markup=False)
                yield Static("", id="slash-hints", markup=False)
                yield Composer(id="composer")
                yield StatusLine(id="status")
        yield Footer()

    @property
    def manager(self) -> ThreadManager:
        assert self._manager is not None, "the manager is made on mount"
        return self._manager

    def on_mount(self) -> None:
        if self._manager is None:
            from core.auth import AuthManager

            self._manager = ThreadManager(
                self.config.lha_home,
                AuthManager(self.config.lha_home),
                self.config.model_provider_id,
                self.config.model_provider,
                SessionSource.CLI,
            )
        if self.config.tui.keymap:
            self.set_keymap(self.config.tui.keymap)
        if self.config.tui.theme and self.config.tui.theme in self.available_themes:
            self.theme = self.config.tui.theme
        self.watch(self, "theme", self._save_theme, init=False)
        self._follow_new_threads(self.manager.subscribe_thread_created())
        composer = self.query_one(Composer)
        composer.cursor_blink = not self.is_headless
        composer.focus()
        self._show_status()
        for warning in self.config.warnings:
            self.notify(warning, severity="warning", title="config.toml")
        self.call_after_refresh(self.query_one(ThreadSidebar).load_next_page)
        if self._start is not None:
            self._open_start_request(self._start)

    async def _load_past_page(self, cursor: str | None) -> ThreadsPage:
        from core.rollout.recorder import RolloutRecorder

        return await RolloutRecorder.list_threads(
            self.config.lha_home, PAST_PAGE_SIZE, cursor=cursor
        )

    def _save_theme(self, theme: str) -> None:
        self._save_config_value("tui.theme", theme)

    @work(group="config", exit_on_error=False)
    async def _save_config_value(self, key: str, value: str) -> None:
        from core.config import save_config_value

        try:
            await asyncio.to_thread(save_config_value, self.config.lha_home, key, value)
        except (LhaError, OSError) as err:
            self.notify(f"could not save {key}: {err}", severity="error")

    # -- threads: attach, drain, select ------------------------------------------------------

    @work(group="broadcast", exit_on_error=False)
    async def _follow_new_threads(self, receiver: object) -> None:
        from core.agent.broadcast import BroadcastReceiver

        assert isinstance(receiver, BroadcastReceiver)
        while True:
            try:
                thread_id = await receiver.recv()
            except BroadcastLagged:
                for missed in await self.manager.list_thread_ids():
                    await self._attach_by_id(missed)
                continue
            await self._attach_by_id(thread_id)

    async def _attach_by_id(self, thread_id: ThreadId) -> None:
        try:
            thread = await self.manager.get_thread(thread_id)
        except LhaError:
            return
        await self.attach(thread)

    async def attach(self, thread: AgentThread) -> ThreadView:
        """Show a thread (idempotent): sidebar row, transcript with its replay, event worker."""
        async with self._attach_lock:
            existing = self.views.get(thread.thread_id)
            if existing is not None:
                return existing
            configured = thread.session_configured
            transcript = Transcript(id=f"t-{thread.thread_id}")
            await self.query_one("#transcripts", ContentSwitcher).mount(transcript)
            replay = entries_from_replay(configured.initial_messages or [])
            await transcript.load(replay)
            view = ThreadView(
                thread=thread,
                transcript=transcript,
                model=configured.model,
                provider=configured.model_provider_id,
                cwd=Path(configured.cwd),
                fork_note=self._fork_notes.pop(thread.thread_id, None),
            )
            view.tokens = last_token_info(configured.initial_messages or [])
            self.views[thread.thread_id] = view
            await self.query_one(ThreadSidebar).add_live(self._row_for(view, configured, replay))
            self.run_worker(
                self._drain(view),
                group="drain",
                name=f"drain-{thread.thread_id.short}",
                exit_on_error=False,
            )
        if thread.thread_id in self._select_on_attach or self.current is None:
            self._select_on_attach.discard(thread.thread_id)
            self.select_thread(thread.thread_id)
        prefill = self._prefill_on_attach.pop(thread.thread_id, None)
        if prefill is not None and self.current == thread.thread_id:
            self.query_one(Composer).set_text(prefill)
        return view

    def _row_for(self, view: ThreadView, configured: SessionConfigured, replay: list) -> ThreadRow:  # type: ignore[type-arg]
        preview = next((e.text for e in replay if e.kind == "user"), "")
        return ThreadRow(
            thread_id=view.thread_id,
            preview=preview or "(new thread)",
            created_at=self.clock(),
            live=True,
            model=view.model,
            forked_from_id=configured.forked_from_id,
            fork_note=view.fork_note,
            path=view.rollout_path,
        )

    def select_thread(self, thread_id: ThreadId) -> None:
        view = self.views.get(thread_id)
        if view is None:
            return
        self.current = thread_id
        self.query_one("#transcripts", ContentSwitcher).current = view.transcript.id
        self.query_one(ThreadSidebar).select(thread_id)
        self._show_status()

    def current_view(self) -> ThreadView | None:
        return self.views.get(self.current) if self.current is not None else None

    def _show_status(self) -> None:
        view = self.current_view()
        if view is None:
            info = StatusInfo(
                model=self.config.model or "default model",
                provider=self.config.model_provider_id,
                cwd=self.config.cwd,
            )
        else:
            info = view.status()
        self.query_one(StatusLine).show(info)

    async def _drain(self, view: ThreadView) -> None:
        """Move one thread's events into its transcript until the thread ends."""
        while True:
            try:
                event = await view.thread.next_event()
            except InternalAgentDied:
                return
            await self._on_thread_event(view, event)
            if isinstance(event.msg, ShutdownComplete):
                return

    async def _on_thread_event(self, view: ThreadView, event: Event) -> None:
        msg = event.msg
        await view.transcript.apply(msg)
        if isinstance(msg, TaskStarted):
            view.running = True
            view.context_window = msg.model_context_window
        elif isinstance(msg, TaskComplete | TurnAbortedEvent):
            view.running = False
        elif isinstance(msg, ErrorEvent):
            view.running = False
            self.notify(msg.message, severity="error", title="model error", markup=False)
        elif isinstance(msg, TokenCount) and msg.info is not None:
            view.tokens = msg.info
        elif isinstance(msg, UserMessageEvent):
            self.query_one(ThreadSidebar).update_live(
                view.thread_id, preview=msg.message
            ) if not view.last_user_texts else None
            view.last_user_texts.append(msg.message)
        elif isinstance(msg, ExecApprovalRequest):
            self._ask_approval(view, msg)
        if view.thread_id == self.current and isinstance(msg, STATUS_EVENTS):
            self._show_status()

    @work(group="approval", exit_on_error=False)
    async def _ask_approval(self, view: ThreadView, request: ExecApprovalRequest) -> None:
        from tui.screens.approval import ApprovalScreen

        decision = await self.push_screen_wait(ApprovalScreen(request))
        await view.thread.submit(ExecApproval(id=request.call_id, decision=decision or "abort"))

    # -- composer ------------------------------------------------------------------------------

    @on(Composer.Submitted)
    async def _submitted(self, event: Composer.Submitted) -> None:
        command = parse_slash_command(event.text)
        if command is not None:
            self.query_one("#slash-hints", Static).update("")
            await self.run_action(command.action)
            return
        self.send_message(event.text)

    @work(group="send", exit_on_error=False)
    async def send_message(self, text: str) -> None:
        try:
            view = self.current_view()
            if view is None:
                new = await self.manager.start_thread(self.config)
                self._select_on_attach.add(new.thread_id)
                view = await self.attach(new.thread)
            await view.thread.submit(UserInput.text(text))
        except LhaError as err:
            self._report(err)

    @on(Composer.Changed)
    def _show_slash_hints(self, event: Composer.Changed) -> None:
        hints = matching_commands(event.text_area.text)
        label = "   ".join(f"{c.name}  {c.help}" for c in hints)
        self.query_one("#slash-hints", Static).update(label)
        self.query_one("#slash-hints", Static).display = bool(hints)

    @on(Composer.EscapePressed)
    async def _escape(self, event: Composer.EscapePressed) -> None:
        view = self.current_view()
        if view is not None and view.running:
            await view.thread.submit(Interrupt())
            return
        now = time.monotonic()
        if event.empty and now - self._last_escape <= ESC_ESC_WINDOW_S:
            self._last_escape = 0.0
            self.action_fork_thread()
            return
        self._last_escape = now
        if event.empty and view is not None:
            self.notify("press Esc again to edit a previous message", timeout=1.5)

    # -- actions -------------------------------------------------------------------------------

    async def action_new_thread(self) -> None:
        try:
            new = await self.manager.start_thread(self.config)
        except LhaError as err:
            self._report(err)
            return
        self._select_on_attach.add(new.thread_id)
        await self.attach(new.thread)
        self.select_thread(new.thread_id)
        self.query_one(Composer).focus()

    def action_focus_threads(self) -> None:
        self.query_one(ThreadSidebar).list_view.focus()

    def action_resume_session(self) -> None:
        self.query_one(ThreadSidebar).focus_past()

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_pick_model(self) -> None:
        from tui.screens.model_picker import ModelPickerScreen

        view = self.current_view()
        try:
            models = self.manager.try_list_picker_models(self.config)
        except TryLockError:
            models = []

        async def refresh() -> list:  # type: ignore[type-arg]
            return await self.manager.list_picker_models(
                self.config, CatalogRefreshStrategy.ONLINE_IF_UNCACHED
            )

        current = view.model if view is not None else self.config.model
        slug = await self.push_screen_wait(ModelPickerScreen(models, current, refresh))
        if not slug:
            return
        await self.apply_model(slug)

    async def apply_model(self, slug: str) -> None:
        """Use ``slug`` for the current thread's next turns and for new threads; save it."""
        view = self.current_view()
        if view is not None:
            await view.thread.submit(OverrideTurnContext(model=slug))
            view.model = slug
            self.query_one(ThreadSidebar).update_live(view.thread_id, model=slug)
        self.config = self.config.model_copy(update={"model": slug})
        self._save_config_value("model", slug)
        self._show_status()
        self.notify(f"model: {slug}", timeout=2)

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_fork_thread(self) -> None:
        from core.rollout.recorder import RolloutRecorder
        from core.rollout.user_turns import list_user_turns
        from tui.screens.fork_dialog import ForkDialogScreen

        view = self.current_view()
        path = view.rollout_path if view is not None else None
        if view is None or path is None or not await asyncio.to_thread(path.exists):
            self.notify("nothing to fork yet: send a message first", severity="warning")
            return
        if view.running:
            self.notify("wait for the turn to finish (or Esc to interrupt) before forking")
            return
        try:
            history = await RolloutRecorder.get_rollout_history(path)
        except LhaError as err:
            self._report(err)
            return
        turns = list_user_turns(history.get_rollout_items())
        if not turns:
            self.notify("nothing to fork yet: send a message first", severity="warning")
            return
        n = await self.push_screen_wait(ForkDialogScreen(turns))
        if n is None:
            return
        await self.fork_current(n, turns[n].text if n < len(turns) else "")

    async def fork_current(self, n: int, prefill: str) -> NewThread | None:
        """Fork the current thread before its n-th user message; the fork arrives by broadcast."""
        view = self.current_view()
        if view is None or view.rollout_path is None:
            return None
        try:
            new = await self.manager.fork_thread(n, self.config, view.rollout_path)
        except LhaError as err:
            self._report(err)
            return None
        self._fork_notes[new.thread_id] = f"forked before #{n + 1}"
        self.query_one(ThreadSidebar).update_live(
            new.thread_id, fork_note=f"forked before #{n + 1}"
        )
        if new.thread_id in self.views:
            self.select_thread(new.thread_id)
            self.query_one(Composer).set_text(prefill)
        else:
            self._select_on_attach.add(new.thread_id)
            self._prefill_on_attach[new.thread_id] = prefill
        self.query_one(Composer).focus()
        return new

    @on(ThreadSidebar.Chosen)
    async def _thread_chosen(self, event: ThreadSidebar.Chosen) -> None:
        row = event.row
        if row.thread_id in self.views:
            self.select_thread(row.thread_id)
            self.query_one(Composer).focus()
            return
        if row.path is not None:
            self.resume_path(row.path)

    @work(group="resume", exit_on_error=False)
    async def resume_path(self, path: Path) -> None:
        try:
            new = await self.manager.resume_thread_from_rollout(
                self.config, path, self.manager.auth_manager()
            )
        except LhaError as err:
            self._report(err)
            return
        self._select_on_attach.add(new.thread_id)
        await self.attach(new.thread)
        self.select_thread(new.thread_id)
        self.query_one(Composer).focus()

    @work(group="start", exit_on_error=False)
    async def _open_start_request(self, start: StartRequest) -> None:
        try:
            if start.kind == "resume":
                new = await self.manager.resume_thread_from_rollout(
                    self.config, start.path, self.manager.auth_manager()
                )
            else:
                new = await self.manager.fork_thread(start.fork_at, self.config, start.path)
        except LhaError as err:
            self._report(err)
            return
        self._select_on_attach.add(new.thread_id)
        await self.attach(new.thread)
        self.select_thread(new.thread_id)

    def _report(self, err: LhaError) -> None:
        self.notify(str(err), severity="error", title="lha", markup=False)

    async def action_quit(self) -> None:
        if self._manager is not None:
            with contextlib.suppress(TimeoutError, LhaError):
                await asyncio.wait_for(self._manager.remove_and_close_all_threads(), 5)
        self.exit()

    # -- command palette -----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("New thread", "Start a new conversation", self.action_new_thread)
        yield SystemCommand(
            "Switch model", "Pick the model for this thread", self.action_pick_model
        )
        yield SystemCommand(
            "Fork thread", "Fork before one of your messages", self.action_fork_thread
        )
        yield SystemCommand("Resume session", "Pick a past session", self.action_resume_session)
        yield SystemCommand(
            "Focus threads", "Move to the thread sidebar", self.action_focus_threads
        )


EMPTY_STATE = (
    "lha — a workbench for coding-agent conversations\n\n"
    "Type a message below and press Enter to start a thread.\n"
    "Ctrl+N new thread · Ctrl+O model · Ctrl+B fork · Ctrl+T threads · Ctrl+P commands\n"
    "Slash commands: /new /model /fork /resume /quit"
)
