"""The lha terminal UI: one App, one ThreadManager, one event loop.

The App is the shell: layout, bindings, the composer's keys, theme and keymap. Everything that
talks to the engine lives in ``tui.threads``, imported right after the first frame is drawn,
so the user sees lha before the agent stack has loaded. The App implements that package's port
(``tui.threads.port.AppPort``), the only way the engine side reaches the screen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from tui.prepaint import handed_over, take_painted_page
from tui.slash_commands import matching_commands, parse_slash_command
from tui.start_request import StartRequest
from tui.startup_gc import end_startup_pause
from tui.status_text import StatusInfo
from tui.thread_rows import PAST_PAGE_SIZE, RowsPage
from tui.ui_settings import UiSettings
from tui.welcome import EMPTY_STATE
from tui.widgets.attachments import AttachmentChips
from tui.widgets.composer import Composer
from tui.widgets.find_bar import FindBar
from tui.widgets.footer import Footer
from tui.widgets.queued import QueuedMessages
from tui.widgets.sidebar import ThreadSidebar, now_utc
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from textual.screen import ModalScreen

    from core.agent.thread_manager import ThreadManager
    from core.config import Config
    from core.protocol.ids import ThreadId
    from core.rollout.listing import ThreadsPage
    from tui.found_message import FoundMessage
    from tui.thread_rows import ThreadRow
    from tui.threads.controller import Controller
    from tui.threads.state import PendingMessage, ThreadState
    from tui.widgets.transcript import Transcript

AnswerT = TypeVar("AnswerT")

ESC_ESC_WINDOW_S = 1.0

__all__ = ["LhaApp", "StartRequest"]


class LhaApp(App[None]):
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))
    TITLE = "lha"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_thread", "New thread", id="app.new_thread"),
        Binding("ctrl+o", "pick_model", "Model", id="app.pick_model"),
        Binding("ctrl+b", "fork_thread", "Fork", id="app.fork_thread"),
        Binding("ctrl+t", "focus_threads", "Threads", id="app.focus_threads"),
        Binding("ctrl+s", "steer", "Send now", show=False, id="app.steer"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        config: Config | None = None,
        *,
        load_config: Callable[[], Config] | None = None,
        settings: UiSettings | None = None,
        manager: ThreadManager | None = None,
        clock: Callable[[], datetime] = now_utc,
        start: StartRequest | None = None,
        pick_session: bool = False,
    ) -> None:
        """Give ``config``, or ``load_config`` and ``settings``: then the config is loaded (and
        validated) right after the first frame, which the settings alone are enough to draw."""
        super().__init__()
        if config is not None:
            settings = UiSettings(
                lha_home=config.lha_home,
                cwd=config.cwd,
                theme=config.tui.theme,
                keymap=dict(config.tui.keymap),
                model=config.model,
                provider=config.model_provider_id,
            )
        if settings is None or (config is None and load_config is None):
            raise ValueError("LhaApp needs a config, or a config loader and UI settings")
        self._config = config
        self._load_config = load_config
        self.settings = settings
        self.clock = clock
        self._given_manager = manager
        self._start = start
        self._pick_session = pick_session
        self.controller: Controller | None = None
        """The engine side (``tui.threads``), made once the first frame is on screen."""
        self._tail: Transcript | None = None
        self._inputs_recalled = False
        self._last_escape = 0.0
        self._config_writes = asyncio.Lock()
        """One write to config.toml at a time: two at once would each keep only its own key."""

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        if self._start is not None and self._start.kind == "resume" and self._start.history is None:
            from tui.preview import tail_transcript  # the resumed thread, in the first frame

            self._tail = tail_transcript(self._start.path)
        first_page = None
        if self._start is None:  # the newest past sessions, in the first frame
            first_page = take_painted_page() or self._read_first_page()
        with Horizontal(id="main"):
            yield ThreadSidebar(
                self._load_past_page,
                self.clock,
                first_page=first_page,
                here=self.settings.cwd,
                id="sidebar",
            )
            with Vertical(id="conversation"):
                initial = self._tail.id if self._tail is not None else "empty"
                with ContentSwitcher(id="transcripts", initial=initial):
                    yield Static(EMPTY_STATE, id="empty", markup=False)
                    if self._tail is not None:
                        yield self._tail
                yield FindBar(id="find-bar")
                yield Static("", id="slash-hints", markup=False)
                yield QueuedMessages(id="queued")
                yield AttachmentChips(id="attachments")
                composer = Composer(id="composer")
                composer.cwd = self.settings.cwd  # where a pasted relative path is looked up
                yield composer
                yield StatusLine(id="status")
        yield Footer()

    def _read_first_page(self) -> RowsPage:
        from core.rollout.codex_home import codex_session_roots
        from tui.first_page import read_first_page

        roots = codex_session_roots(self.settings.codex_sessions)
        return read_first_page(self.settings.lha_home, PAST_PAGE_SIZE, roots)

    @property
    def sidebar(self) -> ThreadSidebar:
        return self.query_one(ThreadSidebar)

    @property
    def transcripts(self) -> ContentSwitcher:
        return self.query_one("#transcripts", ContentSwitcher)

    def on_mount(self) -> None:
        handed_over()  # the screen is Textual's now (tui.prepaint)
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        if self.settings.theme and self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.watch(self, "theme", self._save_theme, init=False)
        composer = self.query_one(Composer)
        composer.cursor_blink = not self.is_headless
        # Focus now, not with ``composer.focus()``: that defers the focus behind the messages
        # already queued, and keys typed while lha started (on the pre-painted frame, whose
        # composer invites typing) are queued by then; with no focus yet they were dropped.
        self.screen.set_focus(composer)
        self.query_one(StatusLine).show(
            StatusInfo(
                model=self.settings.model or "default model",
                provider=self.settings.provider,
                cwd=self.settings.cwd,
            )
        )
        self.call_after_refresh(self._start_engine)

    @property
    def config(self) -> Config:
        """The validated config (loaded after the first frame when the app was given a loader)."""
        if self._config is None:
            assert self._load_config is not None
            self._config = self._load_config()
        return self._config

    def _start_engine(self) -> None:
        from core.errors import LhaError

        if not self._inputs_recalled:  # once: _start_engine runs again after a resume's read
            self._inputs_recalled = True
            self._recall_earlier_inputs()

        if self._start is not None and self._start.kind == "resume" and self._start.history is None:
            # The transcript first, from the rollout; the config and the engine right after.
            self.run_worker(self._preview_then_resume(self._start), group="start")
            return
        try:
            config = self.config
        except LhaError as err:
            self.exit(return_code=2, message=f"lha: {err}")
            return
        for warning in config.warnings:
            self.notify(warning, severity="warning", title="config.toml", markup=False)
        controller = self._engine(config)
        controller.start()
        if self._start is not None:
            self.run_worker(self._open_start(controller, self._start), group="start")
            return
        if self._pick_session:  # `lha resume` without a session: the list is the picker
            self.sidebar.focus_past()
        else:
            self.sidebar.fill()
        end_startup_pause()

    async def _open_start(self, controller: Controller, start: StartRequest) -> None:
        """Open the thread ``lha resume`` / ``lha fork`` asked for, then list past sessions, so
        listing them does not compete with opening the one the user asked for."""
        try:
            await controller.open_start_request(start)
        finally:
            self.call_after_refresh(self.sidebar.load_next_page)
            self.call_after_refresh(end_startup_pause)

    async def _preview_then_resume(self, start: StartRequest) -> None:
        """Read the whole rollout (its tail is on screen), then start the engine on it."""
        from dataclasses import replace

        from core.errors import LhaError
        from tui.preview import read_whole_rollout

        try:
            history = await read_whole_rollout(start.path, self.transcripts, self._tail)
        except LhaError as err:
            if self._tail is not None:  # what a bad file seemed to hold is not a thread
                self.transcripts.current = "empty"
                await self._tail.remove()
                self._tail = None
            self.report_error(str(err), None)
            self._start = None
        else:
            self._start = replace(start, history=history)
        self.call_after_refresh(self._start_engine)  # let the transcript be drawn first

    # -- the engine, made after the first frame ------------------------------------------------

    def _engine(self, config: Config) -> Controller:
        if self.controller is None:
            from tui.threads.controller import Controller

            self.controller = Controller(self, config, self.clock, self._given_manager)
        return self.controller

    def _running_controller(self) -> Controller:
        """The controller, made now if a key reached the app before the engine started."""
        return self._engine(self.config)

    async def _load_past_page(self, cursor: str | None) -> ThreadsPage:
        return await self._running_controller().load_past_page(cursor)

    # -- the port the engine side reaches the screen through (tui.threads.port.AppPort) -------

    async def mount_transcript(self, transcript: Transcript) -> Transcript:
        from tui.widgets.transcript import Transcript

        shown = self.transcripts.query(f"#{transcript.id}")
        if shown:  # drawn from the rollout before the thread spawned (tui.preview)
            return shown.only_one(Transcript)
        await self.transcripts.mount(transcript)
        return transcript

    async def drop_transcript(self, transcript_id: str) -> None:
        if self.transcripts.current == transcript_id:
            self.transcripts.current = "empty"
        await self.transcripts.query(f"#{transcript_id}").remove()

    def show_thread(self, state: ThreadState) -> None:
        self.transcripts.current = state.transcript.id
        self.sidebar.select(state.thread_id)
        find_bar = self.query_one(FindBar)
        if find_bar.display and find_bar.transcript is not state.transcript:
            find_bar.action_close()  # it searched the thread that was on screen

    async def upsert_row(self, row: ThreadRow) -> None:
        await self.sidebar.upsert_live(row)

    async def remove_row(self, thread_id: ThreadId) -> None:
        await self.sidebar.remove_row(thread_id)

    def show_names(self, names: Mapping[str, str]) -> None:
        self.sidebar.show_names(names)

    def set_composer(self, text: str | None = None) -> None:
        composer = self.query_one(Composer)
        if text is not None:
            composer.set_text(text)
        composer.focus()

    def show_status(self, info: StatusInfo) -> None:
        self.query_one(StatusLine).show(info)

    def show_queue(self, texts: list[str]) -> None:
        self.query_one(QueuedMessages).show(texts)

    async def ask(self, screen: ModalScreen[AnswerT]) -> AnswerT:
        return await self.push_screen_wait(screen)

    def report_error(self, message: str, transcript: Transcript | None) -> None:
        from tui.notices import show_error_entry

        self.notify(message, severity="error", title="lha", markup=False)
        self.run_worker(show_error_entry(self.transcripts, transcript, message), group="notices")

    def start_worker(
        self, work: Coroutine[Any, Any, object], *, group: str, name: str = ""
    ) -> None:
        self.run_worker(work, group=group, name=name, exit_on_error=False)

    def save_setting(self, key: str, value: str) -> None:
        self.save_config_value(key, value)

    # -- settings ------------------------------------------------------------------------------

    def _save_theme(self, theme: str) -> None:
        self.save_config_value("tui.theme", theme)

    @work(group="config", exit_on_error=False)
    async def save_config_value(self, key: str, value: str) -> None:
        """Write one key to config.toml (comments kept) without blocking the UI."""
        from core.config import save_config_value
        from core.errors import LhaError

        try:
            async with self._config_writes:
                await asyncio.to_thread(save_config_value, self.config.lha_home, key, value)
        except (LhaError, OSError) as err:
            self.notify(f"could not save {key}: {err}", severity="error", markup=False)

    # -- composer ------------------------------------------------------------------------------

    @on(Composer.Submitted)
    async def _submitted(self, event: Composer.Submitted) -> None:
        action = parse_slash_command(event.text)
        if action is not None:
            self.query_one("#slash-hints", Static).display = False
            await self.run_action(action)
            return
        message = await self._message_to_send(event.composer, event.text)
        if message is None:
            return
        if message.text.strip():
            self._remember_input(message.text)
        self.run_worker(self._running_controller().send_message(message), group="send")

    async def _message_to_send(self, composer: Composer, text: str) -> PendingMessage | None:
        """The composer's text and images as a message, the images taken out of the composer;
        None when the model takes no images: then it keeps both and the user is told."""
        from tui.threads.state import PendingMessage

        if composer.attachments:
            refusal = await self._running_controller().images_refused()
            if refusal is not None:
                self.notify(refusal, severity="error", title="lha", markup=False)
                if not composer.text:
                    composer.set_text(text)
                return None
        return PendingMessage(text, tuple(composer.take_attachments()))

    @work(group="input-history", exit_on_error=False)
    async def _remember_input(self, text: str) -> None:
        from tui.input_history import append_entry

        try:
            await asyncio.to_thread(append_entry, self.settings.lha_home, text)
        except OSError as err:  # the message is sent all the same
            self.notify(f"could not save input history: {err}", severity="warning")

    @work(group="input-history", exit_on_error=False)
    async def _recall_earlier_inputs(self) -> None:
        """Up reaches messages sent in earlier runs (read after the first frame)."""
        from tui.input_history import load_recent

        texts = await asyncio.to_thread(load_recent, self.settings.lha_home)
        if texts:
            self.query_one(Composer).remember_earlier(texts)

    @on(Composer.Changed)
    def _show_slash_hints(self, event: Composer.Changed) -> None:
        hints = matching_commands(event.text_area.text)
        label = "   ".join(f"{c.usage}  {c.help}" for c in hints)
        hint_line = self.query_one("#slash-hints", Static)
        hint_line.update(label)
        hint_line.display = bool(hints)

    @on(Composer.EscapePressed)
    async def _escape(self, event: Composer.EscapePressed) -> None:
        controller = self._running_controller()
        if await controller.interrupt_if_running():
            return
        now = time.monotonic()
        if event.empty and now - self._last_escape <= ESC_ESC_WINDOW_S:
            self._last_escape = 0.0
            self.action_fork_thread()
            return
        self._last_escape = now
        if event.empty and controller.current is not None:
            self.notify("press Esc again to edit a previous message", timeout=1.5)

    @on(ThreadSidebar.Chosen)
    def _thread_chosen(self, event: ThreadSidebar.Chosen) -> None:
        self.run_worker(self._running_controller().choose(event.row), group="resume")

    @on(ThreadSidebar.ArchiveAsked)
    def _archive_asked(self, event: ThreadSidebar.ArchiveAsked) -> None:
        self.run_worker(self._running_controller().files.archive(event.row), group="tidy")

    @on(ThreadSidebar.RenameAsked)
    @work(group="modal", exclusive=True, exit_on_error=False)
    async def _rename_asked(self, event: ThreadSidebar.RenameAsked) -> None:
        await self._running_controller().names.rename_row(event.row)

    @on(ThreadSidebar.DeleteAsked)
    @work(group="modal", exclusive=True, exit_on_error=False)
    async def _delete_asked(self, event: ThreadSidebar.DeleteAsked) -> None:
        await self._running_controller().files.delete(event.row)

    # -- images waiting in the composer ---------------------------------------------------------

    def action_attach_image(self, path: str = "") -> None:
        """``/image PATH``: attach the image file to the next message."""
        from core.images.attachment import resolve_image_path

        if not path.strip():
            self.notify("say which image: /image PATH", severity="warning", markup=False)
            return
        self._attach_image(resolve_image_path(path, self.settings.cwd), f"/image {path}")

    @on(Composer.ImagePasted)
    def _image_pasted(self, event: Composer.ImagePasted) -> None:
        self._attach_image(event.path, None)

    @work(group="attach", exit_on_error=False)
    async def _attach_image(self, path: Path, command: str | None) -> None:
        """Read the image off the UI thread and attach it; a file that cannot be attached is
        one line, and the ``/image`` command goes back into an empty composer to be fixed."""
        from core.errors import InvalidRequest
        from core.images.attachment import load_image_file

        composer = self.query_one(Composer)
        try:
            image = await asyncio.to_thread(load_image_file, path)
        except InvalidRequest as err:
            self.notify(str(err), severity="error", title="lha", markup=False)
            if command is not None and not composer.text:
                composer.set_text(command)
            return
        composer.attach(image)

    @on(Composer.AttachmentsChanged)
    def _show_attachments(self, event: Composer.AttachmentsChanged) -> None:
        self.query_one(AttachmentChips).show(event.composer.attachments)

    @on(AttachmentChips.RemoveAsked)
    def _remove_attachment(self, event: AttachmentChips.RemoveAsked) -> None:
        composer = self.query_one(Composer)
        composer.remove_attachment(event.position)
        composer.focus()

    # -- queue and steer -----------------------------------------------------------------------

    async def action_steer(self) -> None:
        """Send the queued messages and what the composer holds to the running turn now."""
        composer = self.query_one(Composer)
        text = composer.text
        composer.clear()
        message = await self._message_to_send(composer, text)
        if message is None:
            return
        if text.strip():
            self._remember_input(text)
        await self._running_controller().steer(message)

    @on(QueuedMessages.EditAsked)
    def _edit_queued(self, event: QueuedMessages.EditAsked) -> None:
        composer = self.query_one(Composer)
        if composer.text.strip():
            self.notify("the composer has text: send or clear it first", timeout=3)
            return
        message = self._running_controller().take_queued(event.position)
        if message is not None:
            self.set_composer(message.text)
            for image in message.images:
                composer.attach(image)

    @on(QueuedMessages.CancelAsked)
    def _cancel_queued(self, event: QueuedMessages.CancelAsked) -> None:
        if self._running_controller().take_queued(event.position) is not None:
            self.notify("queued message cancelled", timeout=2)
            self.query_one(Composer).focus()

    # -- the transcript on screen: copy, find, outline ----------------------------------------

    def shown_transcript(self) -> Transcript | None:
        from tui.widgets.transcript import Transcript

        shown = self.transcripts.visible_content
        return shown if isinstance(shown, Transcript) else None

    def action_copy_last_answer(self) -> None:
        from tui.clipboard import copy_text

        transcript = self.shown_transcript()
        answer = transcript.last_answer() if transcript is not None else None
        if answer is None:
            self.notify("no answer to copy yet", severity="warning", timeout=2)
            return
        copy_text(self, answer, "the last answer")

    async def action_find(self, query: str | None = None) -> None:
        """Open the find bar (``/find TEXT`` finds TEXT at once)."""
        transcript = self.shown_transcript()
        if transcript is None:
            self.notify("no thread on screen to find in", severity="warning", timeout=2)
            return
        find_bar = self.query_one(FindBar)
        await find_bar.open(transcript, query)
        if query and not find_bar.state.total:
            self.notify(f"no match for {query!r} in this thread", timeout=3, markup=False)

    # Handlers named after the transcript's messages: no import of the widget before the
    # first frame.

    async def on_transcript_find_requested(self) -> None:
        await self.action_find()

    async def on_transcript_find_stepped(self, event: Transcript.FindStepped) -> None:
        find_bar = self.query_one(FindBar)
        if find_bar.state.query:
            await find_bar.action_step(event.delta)

    def on_transcript_outline_requested(self) -> None:
        self.action_outline()

    def on_transcript_parent_requested(self) -> None:
        self.action_open_parent()

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_outline(self) -> None:
        """The thread's user messages; the chosen one is shown and focused."""
        from tui.screens.outline import OutlineScreen

        transcript = self.shown_transcript()
        if transcript is None:
            self.notify("no thread on screen", severity="warning", timeout=2)
            return
        index = await self.push_screen_wait(
            OutlineScreen(transcript.entries, transcript.index_in_view())
        )
        if index is not None:
            await transcript.reveal(index, focus=True)

    # -- the search screen ---------------------------------------------------------------------

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_search_sessions(self, query: str = "") -> None:
        """Ctrl+F in the thread list, ``/search [QUERY]``: find a past session by what was said;
        the chosen one opens scrolled to the message, highlighted."""
        found = await self._running_controller().search_sessions(query)
        if found is not None:
            await self._show_found(found)

    async def _show_found(self, found: FoundMessage) -> None:
        """Scroll to the hit's entry and highlight it: with the find bar on the matched word
        when the entry holds it (n / N then step through the thread, Esc clears), else with
        find's mark alone."""
        transcript, entry = found.transcript, found.entry
        if entry is None:
            return
        await transcript.reveal(entry, focus=True)
        if found.word and found.word.casefold() in transcript.entries[entry].text.casefold():
            await self.query_one(FindBar).open(transcript, found.word)
        else:
            transcript.mark_found({entry}, entry)

    # -- actions -------------------------------------------------------------------------------

    async def action_new_thread(self) -> None:
        await self._running_controller().new_thread()
        self.query_one(Composer).focus()

    def action_focus_threads(self) -> None:
        self.sidebar.list_view.focus()

    def action_resume_session(self) -> None:
        self.sidebar.focus_past()

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_pick_model(self) -> None:
        await self._running_controller().pick_model()

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_fork_thread(self) -> None:
        await self._running_controller().fork_dialog()

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_fork_whole_thread(self) -> None:
        await self._running_controller().fork_whole()

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_rename_thread(self, name: str = "") -> None:
        await self._running_controller().rename_current(name)

    @work(group="parent", exclusive=True, exit_on_error=False)
    async def action_open_parent(self) -> None:
        await self._running_controller().open_parent()

    def action_export_thread(self, file: str = "") -> None:
        controller = self._running_controller()
        work = controller.files.export(controller.current_thread(), file)
        self.run_worker(work, group="export", exit_on_error=False)

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_show_diff(self, option: str = "") -> None:
        """``/diff [--all]``: the thread's file changes, in a screen."""
        if option not in ("", "--all"):
            self.notify(f"/diff takes --all or nothing, not {option!r}", severity="warning")
            return
        controller = self._running_controller()
        await controller.file_changes.show_diff(controller.current_thread(), whole=bool(option))

    @work(group="modal", exclusive=True, exit_on_error=False)
    async def action_undo_files(self) -> None:
        """``/undo``: the files of the last changing turn put back, once confirmed."""
        controller = self._running_controller()
        await controller.file_changes.undo(controller.current_thread())

    def action_compact_thread(self, instructions: str = "") -> None:
        """``/compact [INSTRUCTIONS]``: queued with the thread's messages (group "send")."""
        self.run_worker(self._running_controller().compact(instructions), group="send")

    async def action_quit(self) -> None:
        self.exit()

    async def on_unmount(self) -> None:
        """However the app ends, shut every thread down so its rollout is flushed."""
        if self.controller is not None:
            await self.controller.close()

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
            "Search sessions", "Find a past session by what was said", self.action_search_sessions
        )
        yield SystemCommand(
            "Focus threads", "Move to the thread sidebar", self.action_focus_threads
        )
