"""The engine side of the UI: the ThreadManager, open threads, and what each action does.

The App (tui/app.py) draws the first frame without importing any of this; the controller is
made right after, so start-up pays for the agent stack only once the user already sees lha. It
reaches the screen only through ``AppPort``.

Every thread that opens takes one path, ``open_new``: start, resume, ``lha fork --at N`` and
the fork dialog alike, with ``OpenOptions`` saying whether to select it, what to put in the
composer and which fork note its row shows. Threads spawned elsewhere (another client of the
manager) arrive by its broadcast and are attached without options.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.agent.agent_thread import AgentThread
from core.agent.broadcast import BroadcastLagged, BroadcastReceiver
from core.agent.thread_manager import NewThread, ThreadManager
from core.errors import LhaError, SessionLocked, TryLockError
from core.models.info import ModelPreset
from core.models.refresh_strategy import CatalogRefreshStrategy
from core.protocol.ids import ThreadId
from core.protocol.ops import Compact, Interrupt, OverrideTurnContext, SteerInput, UserInput
from core.protocol.session import SessionSource
from tui.preview import transcript_id
from tui.start_request import StartRequest
from tui.status_text import StatusInfo
from tui.thread_rows import PAST_PAGE_SIZE, ThreadRow
from tui.threads.events import ThreadEventRouter
from tui.threads.file_changes import FileChanges
from tui.threads.names import SessionNames
from tui.threads.port import AppPort
from tui.threads.session_files import SessionFiles
from tui.threads.state import PendingMessage, ThreadState
from tui.transcript_model import entries_from_replay, last_token_info
from tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from core.config import Config
    from core.index.search import SearchHit
    from core.llm.request import ModelRequest
    from core.rollout.listing import ThreadsPage
    from tui.found_message import FoundMessage
    from tui.threads.library_search import LibrarySearch


@dataclass(frozen=True)
class OpenOptions:
    """How ``open_new`` shows the thread it opens."""

    select: bool = True
    prefill: str | None = None
    """Text for the composer (a fork puts the message it was made before there)."""
    fork_note: str | None = None


def fork_note(n: int | None) -> str:
    """The note a fork made before the ``n``-th user message (0-based) shows in its row; None
    is a copy of the whole thread."""
    return "forked (whole thread)" if n is None else f"forked before #{n + 1}"


class Controller:
    def __init__(
        self,
        port: AppPort,
        config: Config,
        clock: Callable[[], datetime],
        manager: ThreadManager | None = None,
    ) -> None:
        self.port = port
        self.config = config
        """The config new threads get; the model picker changes its model."""
        self.clock = clock
        if manager is None:
            from core.auth import AuthManager

            manager = ThreadManager(
                config.lha_home,
                AuthManager(config.lha_home),
                config.model_provider_id,
                config.model_provider,
                SessionSource.CLI,
            )
        self.manager = manager
        self.threads: dict[ThreadId, ThreadState] = {}
        self.current: ThreadId | None = None
        self._attach_lock = asyncio.Lock()
        self._events = ThreadEventRouter(port, self.refresh)
        self.files = SessionFiles(port, config.lha_home)
        """``/export`` and the sidebar's archive and delete keys."""
        self.file_changes = FileChanges(port, config.lha_home)
        """``/diff``, ``/undo`` and the fork dialog's restore of files."""
        self.names = SessionNames(port, config.lha_home, self.threads.get, self.refresh)
        """``/rename`` and the sidebar's rename key; the names rows and the status show."""
        self._created = manager.subscribe_thread_created()
        """Subscribed at once, so no thread spawned before ``start`` is missed."""
        self._library: LibrarySearch | None = None
        """The search screen's index handles, made when it first opens."""

    def start(self) -> None:
        self.port.start_worker(self._follow_new_threads(self._created), group="broadcast")
        self.port.start_worker(self.names.load(), group="names")
        if self.config.model_provider.embedded:
            self.port.start_worker(self._warm_up_embedded_model(), group="warm-up")
        self.show_status()

    async def _warm_up_embedded_model(self) -> None:
        """Start the embedded model's server while the user types, and have it evaluate how a
        new thread's first request begins, so the first answer starts sooner."""
        from core.agent.prompt_prefix import new_thread_prompt_prefix
        from core.llm.local import MODEL_ALIAS
        from core.llm.local.client import warm_up

        config = self.config
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
            self.config.lha_home,
            PAST_PAGE_SIZE,
            cursor=cursor,
            extra_roots=self.config.session_roots(),
        )

    # -- open, attach, select ----------------------------------------------------------------

    async def open_new(
        self, spawn: Awaitable[NewThread], options: OpenOptions | None = None
    ) -> ThreadState | None:
        """Await a spawn (start, resume, fork), then show its thread as ``options`` say.

        The broadcast attaches it too; attaching here as well (attach is idempotent) applies
        the options whichever comes first. Engine errors are reported, never raised.
        """
        try:
            new = await spawn
        except SessionLocked as err:
            self.port.start_worker(self._offer_fork(err), group="fork-offer")
            return None
        except LhaError as err:
            self.report(err)
            return None
        return await self.attach(new.thread, options or OpenOptions())

    async def _offer_fork(self, locked: SessionLocked) -> None:
        """The session is open in another lha, which alone may write it: offer a fork instead."""
        from tui.screens.fork_offer import ForkOfferScreen

        if locked.same_process or locked.path is None:
            self.report(locked)
            return
        fork = await self.port.ask(ForkOfferScreen(locked))
        await self.port.drop_transcript(transcript_id(locked.thread_id))
        if fork:
            spawn = self.manager.fork_thread(None, self.config, locked.path)
            await self.open_new(spawn, OpenOptions(fork_note=fork_note(None)))
        else:
            self.report(locked)

    async def attach(self, thread: AgentThread, options: OpenOptions | None = None) -> ThreadState:
        """Show a thread (idempotent): its sidebar row, its transcript, its event worker; then
        apply ``options``. Without options (a thread from the broadcast) it is selected only
        when no thread is on screen."""
        async with self._attach_lock:
            state = self.threads.get(thread.thread_id)
            if state is None:
                state = await self._open_state(thread)
        if options is None:
            if self.current is None:
                self.select_thread(thread.thread_id)
            return state
        if options.fork_note is not None and state.fork_note != options.fork_note:
            state.fork_note = options.fork_note
            await self.refresh(state)
        if options.select:
            self.select_thread(thread.thread_id)
            self.port.set_composer(options.prefill)
        return state

    async def _open_state(self, thread: AgentThread) -> ThreadState:
        configured = thread.session_configured
        replay = configured.initial_messages or []
        transcript = Transcript(id=transcript_id(thread.thread_id))
        shown = await self.port.mount_transcript(transcript)
        if shown is transcript:  # not drawn from the rollout before the spawn (tui.preview)
            await transcript.load(entries_from_replay(replay))
        state = ThreadState(
            thread=thread,
            transcript=shown,
            model=configured.model,
            provider=configured.model_provider_id,
            cwd=Path(configured.cwd),
            created_at=self.clock(),
            forked_from_id=configured.forked_from_id,
            first_message=next((e.text for e in shown.entries if e.kind == "user"), None),
            tokens=last_token_info(replay),
            effort=self.config.model_reasoning_effort,
            name=self.names.of(thread.thread_id),
        )
        self.threads[thread.thread_id] = state
        await self.port.upsert_row(state.row())
        self.port.start_worker(
            self._events.drain(state), group="drain", name=f"drain-{thread.thread_id.short}"
        )
        return state

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

    def select_thread(self, thread_id: ThreadId) -> None:
        state = self.threads.get(thread_id)
        if state is None:
            return
        self.current = thread_id
        self.port.show_thread(state)
        self.show_status()

    def current_thread(self) -> ThreadState | None:
        return self.threads.get(self.current) if self.current is not None else None

    async def refresh(self, state: ThreadState) -> None:
        """Redraw what is derived from a thread's state: its row, and the status line and the
        queue when it is the thread on screen. The one call every change of a ``ThreadState``
        ends with; a turn that ended there sends the next queued message."""
        if not state.running and state.queued:
            await self._submit(state, UserInput(items=state.queued.pop(0).items()))
        await self.port.upsert_row(state.row())
        if state.thread_id == self.current:
            self.show_status()

    def show_status(self) -> None:
        state = self.current_thread()
        self.port.show_queue([m.preview for m in state.queued] if state is not None else [])
        if state is not None:
            self.port.show_status(state.status())
            return
        config = self.config
        self.port.show_status(
            StatusInfo(
                model=config.model or "default model",
                provider=config.model_provider_id,
                cwd=config.cwd,
            )
        )

    # -- actions -------------------------------------------------------------------------------

    async def open_start_request(self, start: StartRequest) -> None:
        """Open what ``lha resume`` / ``lha fork`` asked for."""
        manager = self.manager
        if start.kind == "resume" and start.history is not None:
            auth = manager.auth_manager()
            await self.open_new(
                manager.resume_thread_with_history(self.config, start.history, auth)
            )
        elif start.kind == "resume":
            await self.resume_path(start.path)
        else:
            spawn = manager.fork_thread(start.fork_at, self.config, start.path)
            await self.open_new(spawn, OpenOptions(fork_note=fork_note(start.fork_at)))

    async def send_message(self, message: PendingMessage) -> None:
        state = self.current_thread()
        if state is None:
            state = await self.open_new(self.manager.start_thread(self.config))
        if state is None:
            return
        if state.running or state.queued:  # it goes when the turn ends; editable till then
            state.queued.append(message)
            await self.refresh(state)
            return
        await self._submit(state, UserInput(items=message.items()))

    async def _submit(self, state: ThreadState, op: UserInput | SteerInput) -> None:
        """Send input; the thread counts as running from now (not from its ``task_started``),
        so a message sent right after is queued rather than sent past the queue."""
        try:
            await state.thread.submit(op)
        except LhaError as err:
            state.running = False
            self.report(err)
            return
        state.running = True

    async def steer(self, message: PendingMessage) -> None:
        """Send the queued messages and ``message`` to the running turn now: they reach the
        model at its next request. With no turn running, ``message`` is sent as usual."""
        given = bool(message.text.strip() or message.images)
        state = self.current_thread()
        if state is None or not state.running:
            if given:
                await self.send_message(message)
            return
        messages = [*state.queued, *([message] if given else [])]
        if not messages:
            self.port.notify("nothing to steer with: type a message first", timeout=2)
            return
        state.queued.clear()
        for each in messages:
            await self._submit(state, SteerInput(items=each.items()))
        await self.refresh(state)

    async def images_refused(self) -> str | None:
        """The one line to show when the model of the thread on screen (or of a new thread) is
        one the catalog lists as text-only; None when it may take images."""
        from core.models.info import images_refused_message

        state = self.current_thread()
        models = self.manager.get_models_manager()
        try:
            model = state.model if state is not None else self.config.model
            model = model or await models.get_default_model(
                None, self.config, CatalogRefreshStrategy.OFFLINE
            )
        except LhaError:
            return None  # no model known yet: sending says why
        info = await models.get_model_info(model, self.config)
        return images_refused_message(model) if info.refuses_images else None

    def take_queued(self, position: int) -> PendingMessage | None:
        """Take a queued message out of the queue (to edit or cancel it); None when it was
        sent meanwhile."""
        state = self.current_thread()
        if state is None or not 0 <= position < len(state.queued):
            return None
        message = state.queued.pop(position)
        self.show_status()
        return message

    async def interrupt_if_running(self) -> bool:
        state = self.current_thread()
        if state is None or not state.running:
            return False
        await state.thread.submit(Interrupt())
        return True

    async def new_thread(self) -> None:
        """A new thread, unless the one on screen is still empty: then that one is it (pressing
        Ctrl+N twice must not leave empty threads behind)."""
        state = self.current_thread()
        if state is not None and not state.has_user_message and not state.running:
            return
        await self.open_new(self.manager.start_thread(self.config))

    async def pick_model(self) -> None:
        from tui.screens.model_picker import ModelPickerScreen

        state = self.current_thread()
        try:
            models = self.manager.try_list_picker_models(self.config)
        except TryLockError:
            models = []

        async def refresh() -> list[ModelPreset]:
            return await self.manager.list_picker_models(
                self.config, CatalogRefreshStrategy.ONLINE_IF_UNCACHED
            )

        current = state.model if state is not None else self.config.model
        slug = await self.port.ask(ModelPickerScreen(models, current, refresh))
        if not slug:
            return
        effort = await self._pick_effort(slug, models, state)
        await self.apply_model(slug, effort)

    async def _pick_effort(
        self, slug: str, models: list[ModelPreset], state: ThreadState | None
    ) -> str | None:
        """For a model the catalog says reasons: its effort levels to pick from."""
        from tui.screens.effort_picker import EffortPickerScreen

        if not any(preset.model == slug for preset in models):
            with contextlib.suppress(TryLockError):
                models = self.manager.try_list_picker_models(self.config)
        preset = next((p for p in models if p.model == slug), None)
        if preset is None or not preset.supported_reasoning_efforts:
            return None
        current = state.effort if state is not None else self.config.model_reasoning_effort
        return await self.port.ask(EffortPickerScreen(preset, current))

    async def apply_model(self, slug: str, effort: str | None = None) -> None:
        """Use ``slug`` (and ``effort``, when given) for the current thread's next turns and for
        new threads; save them."""
        state = self.current_thread()
        if state is not None:
            await state.thread.submit(OverrideTurnContext(model=slug, effort=effort))
            state.model = slug
            if effort is not None:
                state.effort = effort
            await self.refresh(state)
        update: dict[str, str] = {"model": slug}
        self.port.save_setting("model", slug)
        if effort is not None:
            update["model_reasoning_effort"] = effort
            self.port.save_setting("model_reasoning_effort", effort)
        self.config = self.config.model_copy(update=update)
        self.show_status()
        self.port.notify(f"model: {slug}" + (f" ({effort})" if effort else ""), timeout=2)

    async def compact(self, instructions: str) -> None:
        """``/compact``: the thread on screen summarises its history (after a running turn)."""
        state = self.current_thread()
        if state is None or not state.has_user_message:
            self.port.notify("nothing to compact yet: send a message first", severity="warning")
            return
        try:
            await state.thread.submit(Compact(instructions=instructions or None))
        except LhaError as err:
            self.report(err)

    async def _forkable(self) -> tuple[ThreadState, Path] | None:
        """The thread on screen and its rollout, when it can be forked now (else notified)."""
        state = self.current_thread()
        path = state.rollout_path if state is not None else None
        if state is None or path is None or not await asyncio.to_thread(path.exists):
            self.port.notify("nothing to fork yet: send a message first", severity="warning")
            return None
        if state.running:
            self.port.notify("wait for the turn to finish (or Esc to interrupt) before forking")
            return None
        return state, path

    async def fork_whole(self) -> ThreadState | None:
        """``/fork``: a fork that copies the whole thread on screen, as ``lha fork ID``."""
        forkable = await self._forkable()
        if forkable is None:
            return None
        spawn = self.manager.fork_thread(None, self.config, forkable[1])
        return await self.open_new(spawn, OpenOptions(fork_note=fork_note(None)))

    async def fork_dialog(self) -> None:
        from core.rollout.user_turns import read_user_turns
        from tui.screens.fork_dialog import ForkDialogScreen

        forkable = await self._forkable()
        if forkable is None:
            return
        path = forkable[1]
        try:
            turns = await read_user_turns(path)
        except LhaError as err:
            self.report(err)
            return
        if not turns:
            self.port.notify("nothing to fork yet: send a message first", severity="warning")
            return
        choice = await self.port.ask(ForkDialogScreen(turns))
        if choice is None:
            return
        n = choice.index
        if choice.restore_files and not await self.file_changes.restore_before(path, n):
            return
        chosen = next((t for t in turns if t.index == n), None)
        await self.fork_current(n, chosen.text if chosen is not None else "")

    async def fork_current(self, n: int, prefill: str) -> ThreadState | None:
        """Fork the current thread before its n-th user message (0-based) and show the fork,
        with that message in the composer."""
        state = self.current_thread()
        if state is None or state.rollout_path is None:
            return None
        spawn = self.manager.fork_thread(n, self.config, state.rollout_path)
        return await self.open_new(spawn, OpenOptions(prefill=prefill, fork_note=fork_note(n)))

    async def rename_current(self, name: str) -> None:
        """``/rename NAME`` names the thread on screen; ``/rename`` alone asks for the name."""
        state = self.current_thread()
        if state is None:
            self.port.notify("no thread on screen to rename", severity="warning")
        elif name.strip():
            await self.names.rename(state.thread_id, name)
        else:
            await self.names.ask_and_rename(state.thread_id, state.name)

    async def open_parent(self) -> None:
        """From a fork, its parent (shown when open, else resumed), scrolled to the message the
        fork was made before, highlighted."""
        from tui.threads.lineage import open_parent

        await open_parent(self)

    async def choose(self, row: ThreadRow) -> None:
        if row.thread_id in self.threads:
            self.select_thread(row.thread_id)
            self.port.set_composer()
        elif row.path is not None:
            await self.resume_path(row.path)

    async def resume_path(self, path: Path) -> ThreadState | None:
        manager = self.manager
        auth = manager.auth_manager()
        return await self.open_new(manager.resume_thread_from_rollout(self.config, path, auth))

    # -- the search screen ------------------------------------------------------------------

    def library(self) -> LibrarySearch:
        """The search screen's searcher (one per app, so a build outlives the screen)."""
        if self._library is None:
            from tui.threads.library_search import LibrarySearch

            self._library = LibrarySearch(self.config.lha_home, self.config.cwd)
        return self._library

    async def search_sessions(self, query: str = "") -> FoundMessage | None:
        """The search screen (the index refreshed in the background meanwhile); then open the
        chosen hit's session, or fork before its message. Returns where an opened hit is."""
        from tui.screens.session_search import SessionSearchScreen

        library = self.library()
        library.start_refresh()
        choice = await self.port.ask(SessionSearchScreen(library, query))
        if choice is None:
            return None
        if choice.fork:
            await self.fork_at_hit(choice.hit)
            return None
        return await self.open_hit(choice.hit)

    async def open_hit(self, hit: SearchHit) -> FoundMessage | None:
        """Show the hit's session (resumed, unless it is open already) and say where the hit is."""
        from tui.found_message import FoundMessage, entry_of_hit, matched_word

        valid = ThreadId.is_valid(hit.thread_id)
        state = self.threads.get(ThreadId(hit.thread_id)) if valid else None
        if state is not None:
            self.select_thread(state.thread_id)
            self.port.set_composer()
        else:
            auth = self.manager.auth_manager()
            spawn = self.manager.resume_thread_from_rollout(self.config, hit.path, auth)
            state = await self.open_new(spawn)
        if state is None:
            return None
        word = matched_word(hit.snippet) if hit.role != "name" else ""
        entry = entry_of_hit(state.transcript.entries, hit.turn, hit.role, word)
        return FoundMessage(state.transcript, entry, word)

    async def fork_at_hit(self, hit: SearchHit) -> ThreadState | None:
        """Fork the hit's session before the user message of its turn (the whole session for a
        name hit), with that message in the composer, as the fork dialog does."""
        from core.rollout.user_turns import read_user_turns

        n = None if hit.role == "name" else hit.turn
        try:
            turns = await read_user_turns(hit.path) if n is not None else []
        except LhaError as err:
            self.report(err)
            return None
        prefill = next((turn.text for turn in turns if turn.index == n), None)
        spawn = self.manager.fork_thread(n, self.config, hit.path)
        return await self.open_new(spawn, OpenOptions(prefill=prefill, fork_note=fork_note(n)))

    def report(self, err: LhaError) -> None:
        state = self.current_thread()
        self.port.report_error(str(err), state.transcript if state is not None else None)

    async def close(self) -> None:
        if self._library is not None:
            self._library.close()
        with contextlib.suppress(TimeoutError, LhaError):
            await asyncio.wait_for(self.manager.remove_and_close_all_threads(), 5)
