"""The engine side of the UI: the ThreadManager, open threads, and what each action does.

The App (tui/app.py) draws the first frame without importing any of this; the controller is
made right after, so start-up pays for the agent stack only once the user already sees lha.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING

from core.agent.agent_thread import AgentThread
from core.agent.broadcast import BroadcastLagged, BroadcastReceiver
from core.agent.thread_manager import NewThread, ThreadManager
from core.errors import LhaError, TryLockError
from core.llm.catalog_strategy import CatalogRefreshStrategy
from core.protocol.events import SessionConfigured
from core.protocol.ids import ThreadId
from core.protocol.models import ModelPreset
from core.protocol.ops import Interrupt, OverrideTurnContext, UserInput
from core.protocol.session import SessionSource
from tui.preview import transcript_id
from tui.start_request import StartRequest
from tui.startup_gc import end_startup_pause
from tui.threads.events import ThreadEventRouter
from tui.threads.state import ThreadView
from tui.transcript_model import Entry, entries_from_replay, last_token_info
from tui.widgets.composer import Composer
from tui.widgets.sidebar import ThreadRow
from tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from core.llm.request import ModelRequest
    from core.rollout.listing import ThreadsPage
    from tui.app import LhaApp

PAST_PAGE_SIZE = 50


class Controller:
    def __init__(self, app: LhaApp, manager: ThreadManager | None = None) -> None:
        self.app = app
        if manager is None:
            from core.auth import AuthManager

            config = app.config
            manager = ThreadManager(
                config.lha_home,
                AuthManager(config.lha_home),
                config.model_provider_id,
                config.model_provider,
                SessionSource.CLI,
            )
        self.manager = manager
        self.views: dict[ThreadId, ThreadView] = {}
        self.current: ThreadId | None = None
        self._select_on_attach: set[ThreadId] = set()
        self._prefill_on_attach: dict[ThreadId, str] = {}
        self._fork_notes: dict[ThreadId, str] = {}
        self._attach_lock = asyncio.Lock()
        self._events = ThreadEventRouter(app)
        self._created = manager.subscribe_thread_created()
        """Subscribed at once, so no thread spawned before ``start`` is missed."""

    def start(self, start: StartRequest | None) -> None:
        app = self.app
        app.run_worker(
            self._follow_new_threads(self._created), group="broadcast", exit_on_error=False
        )
        if start is not None:
            app.run_worker(self._open_start_request(start), group="start", exit_on_error=False)
        if app.config.model_provider.embedded:
            app.run_worker(self._warm_up_embedded_model(), group="warm-up", exit_on_error=False)

    async def _warm_up_embedded_model(self) -> None:
        """Start the embedded model's server while the user types, and have it evaluate how a
        new thread's first request begins, so the first answer starts sooner."""
        from core.agent.prompt_prefix import new_thread_prompt_prefix
        from core.llm.local import MODEL_ALIAS
        from core.llm.local.client import warm_up

        config = self.app.config
        prefix: ModelRequest | None = None
        try:
            prefix = await new_thread_prompt_prefix(
                config,
                config.model or MODEL_ALIAS,
                self.manager.skills_manager(),
                SessionSource.CLI,
            )
        except (LhaError, OSError):  # no prefix to prime: the server still starts
            prefix = None
        await warm_up(config.model_provider, prime=prefix)

    async def load_past_page(self, cursor: str | None) -> ThreadsPage:
        from core.rollout.recorder import RolloutRecorder

        return await RolloutRecorder.list_threads(
            self.app.config.lha_home, PAST_PAGE_SIZE, cursor=cursor
        )

    # -- attach, drain, select ---------------------------------------------------------------

    async def _follow_new_threads(self, receiver: BroadcastReceiver[ThreadId]) -> None:
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
        app = self.app
        async with self._attach_lock:
            existing = self.views.get(thread.thread_id)
            if existing is not None:
                return existing
            configured = thread.session_configured
            shown = app.transcripts.query(f"#{transcript_id(thread.thread_id)}")
            if shown:  # drawn from the rollout before the thread spawned (tui.preview)
                transcript = shown.only_one(Transcript)
            else:
                transcript = Transcript(id=transcript_id(thread.thread_id))
                await app.transcripts.mount(transcript)
                await transcript.load(entries_from_replay(configured.initial_messages or []))
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
            view.has_user_message = any(e.kind == "user" for e in transcript.entries)
            await app.sidebar.add_live(self._row_for(view, configured, transcript.entries))
            app.run_worker(
                self._events.drain(view),
                group="drain",
                name=f"drain-{thread.thread_id.short}",
                exit_on_error=False,
            )
        if thread.thread_id in self._select_on_attach or self.current is None:
            self._select_on_attach.discard(thread.thread_id)
            self.select_thread(thread.thread_id)
        prefill = self._prefill_on_attach.pop(thread.thread_id, None)
        if prefill is not None and self.current == thread.thread_id:
            app.query_one(Composer).set_text(prefill)
        return view

    def _row_for(
        self, view: ThreadView, configured: SessionConfigured, replay: list[Entry]
    ) -> ThreadRow:
        preview = next((e.text for e in replay if e.kind == "user"), "")
        return ThreadRow(
            thread_id=view.thread_id,
            preview=preview or "(new thread)",
            created_at=self.app.clock(),
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
        self.app.transcripts.current = view.transcript.id
        self.app.sidebar.select(thread_id)
        self.app.show_status()

    def current_view(self) -> ThreadView | None:
        return self.views.get(self.current) if self.current is not None else None

    # -- actions -------------------------------------------------------------------------------

    async def open_new(self, spawn: Awaitable[NewThread]) -> ThreadView | None:
        """Await a spawn (start, resume, fork), then show and select its thread.

        The broadcast would attach it too; attaching here as well (attach is idempotent) makes
        the new thread current at once. Engine errors are reported, never raised.
        """
        try:
            new = await spawn
        except LhaError as err:
            self.report(err)
            return None
        self._select_on_attach.add(new.thread_id)
        view = await self.attach(new.thread)
        self.select_thread(new.thread_id)
        return view

    async def send_message(self, text: str) -> None:
        view = self.current_view()
        if view is None:
            view = await self.open_new(self.manager.start_thread(self.app.config))
        if view is None:
            return
        try:
            await view.thread.submit(UserInput.text(text))
        except LhaError as err:
            self.report(err)

    async def interrupt_if_running(self) -> bool:
        view = self.current_view()
        if view is None or not view.running:
            return False
        await view.thread.submit(Interrupt())
        return True

    async def new_thread(self) -> None:
        """A new thread, unless the one on screen is still empty: then that one is it (pressing
        Ctrl+N twice must not leave empty threads behind)."""
        view = self.current_view()
        if view is not None and not view.has_user_message and not view.running:
            return
        await self.open_new(self.manager.start_thread(self.app.config))

    async def pick_model(self) -> None:
        from tui.screens.model_picker import ModelPickerScreen

        config = self.app.config
        view = self.current_view()
        try:
            models = self.manager.try_list_picker_models(config)
        except TryLockError:
            models = []

        async def refresh() -> list[ModelPreset]:
            return await self.manager.list_picker_models(
                self.app.config, CatalogRefreshStrategy.ONLINE_IF_UNCACHED
            )

        current = view.model if view is not None else config.model
        slug = await self.app.push_screen_wait(ModelPickerScreen(models, current, refresh))
        if slug:
            await self.apply_model(slug)

    async def apply_model(self, slug: str) -> None:
        """Use ``slug`` for the current thread's next turns and for new threads; save it."""
        view = self.current_view()
        if view is not None:
            await view.thread.submit(OverrideTurnContext(model=slug))
            view.model = slug
            self.app.sidebar.update_live(view.thread_id, model=slug)
        self.app.config = self.app.config.model_copy(update={"model": slug})
        self.app.save_config_value("model", slug)
        self.app.show_status()
        self.app.notify(f"model: {slug}", timeout=2)

    async def fork_dialog(self) -> None:
        from core.rollout.user_turns import read_user_turns
        from tui.screens.fork_dialog import ForkDialogScreen

        view = self.current_view()
        path = view.rollout_path if view is not None else None
        if view is None or path is None or not await asyncio.to_thread(path.exists):
            self.app.notify("nothing to fork yet: send a message first", severity="warning")
            return
        if view.running:
            self.app.notify("wait for the turn to finish (or Esc to interrupt) before forking")
            return
        try:
            turns = await read_user_turns(path)
        except LhaError as err:
            self.report(err)
            return
        if not turns:
            self.app.notify("nothing to fork yet: send a message first", severity="warning")
            return
        n = await self.app.push_screen_wait(ForkDialogScreen(turns))
        if n is None:
            return
        chosen = next((t for t in turns if t.index == n), None)
        await self.fork_current(n, chosen.text if chosen is not None else "")

    async def fork_current(self, n: int, prefill: str) -> NewThread | None:
        """Fork the current thread before its n-th user message; the fork arrives by broadcast."""
        view = self.current_view()
        if view is None or view.rollout_path is None:
            return None
        try:
            new = await self.manager.fork_thread(n, self.app.config, view.rollout_path)
        except LhaError as err:
            self.report(err)
            return None
        note = f"forked before #{n + 1}"
        self._fork_notes[new.thread_id] = note
        self.app.sidebar.update_live(new.thread_id, fork_note=note)
        if new.thread_id in self.views:
            self.select_thread(new.thread_id)
            self.app.query_one(Composer).set_text(prefill)
        else:
            self._select_on_attach.add(new.thread_id)
            self._prefill_on_attach[new.thread_id] = prefill
        self.app.query_one(Composer).focus()
        return new

    async def choose(self, row: ThreadRow) -> None:
        if row.thread_id in self.views:
            self.select_thread(row.thread_id)
            self.app.query_one(Composer).focus()
        elif row.path is not None:
            await self.resume_path(row.path)

    async def resume_path(self, path: Path) -> None:
        manager = self.manager
        auth = manager.auth_manager()
        await self.open_new(manager.resume_thread_from_rollout(self.app.config, path, auth))
        self.app.query_one(Composer).focus()

    async def _open_start_request(self, start: StartRequest) -> None:
        try:
            if start.kind == "resume" and start.history is not None:
                auth = self.manager.auth_manager()
                spawn = self.manager.resume_thread_with_history(
                    self.app.config, start.history, auth
                )
                await self.open_new(spawn)
            elif start.kind == "resume":
                await self.resume_path(start.path)
            else:
                await self.open_new(
                    self.manager.fork_thread(start.fork_at, self.app.config, start.path)
                )
        finally:
            self.app.call_after_refresh(self.app.sidebar.load_next_page)
            self.app.call_after_refresh(end_startup_pause)

    def report(self, err: LhaError) -> None:
        self.app.show_error(str(err))

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError, LhaError):
            await asyncio.wait_for(self.manager.remove_and_close_all_threads(), 5)
