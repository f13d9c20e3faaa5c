"""The ACP agent: each JSON-RPC method of a client, answered with lha's ThreadManager.

``initialize`` is answered before this class exists (``tui.acp.capabilities``, by the wire
guard). A session is an lha thread and its id is the thread id, so a session made here is an
ordinary rollout: ``lha threads``, the UI and ``lha resume`` see it, and ``session/load``
reopens any thread those made. Errors are JSON-RPC errors carrying lha's one-line message.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from acp import RequestError, update_agent_message_text
from acp.schema import (
    ForkSessionResponse,
    ListSessionsResponse,
    LoadSessionResponse,
    NewSessionResponse,
    PromptResponse,
    ResumeSessionResponse,
    SessionConfigOptionSelect,
    SessionInfo,
    SetSessionConfigOptionResponse,
)

from core.models.refresh_strategy import CatalogRefreshStrategy
from core.protocol.ops import ImageInput, OverrideTurnContext
from tui.acp.command_runner import run_command
from tui.acp.commands import command_of, commands_update
from tui.acp.errors import as_request_errors, unknown_session
from tui.acp.mcp_servers import ClientMcpServer, with_client_servers
from tui.acp.models import MODEL_OPTION, config_options
from tui.acp.prompt_input import PromptBlock, user_input_items
from tui.acp.replay import replay_updates
from tui.acp.session import AcpSession

if TYPE_CHECKING:
    from acp.interfaces import Client

    from core.agent.thread_manager import NewThread, ThreadManager
    from core.auth import AuthManager
    from core.config import Config
    from core.models.info import ModelPreset
    from core.rollout.listing import ThreadItem

log = logging.getLogger("lha.acp")

FORK_AT_META_KEY = "nthUserMessage"
"""``_meta`` key of ``session/fork``: fork before this user message (0-based), as ``lha fork
--at N``; without it the whole thread is copied."""

LIST_PAGE_SIZE = 50


class LhaAcpAgent:
    def __init__(self, config: Config, manager: ThreadManager, auth: AuthManager) -> None:
        self._config = config
        """The configuration read at start-up (and the model choices since); each session
        takes a copy set to its own folder."""
        self._manager = manager
        self._auth = auth
        self._client: Client | None = None
        self._sessions: dict[str, AcpSession] = {}

    def on_connect(self, conn: Client) -> None:
        self._client = conn

    # -- sessions ------------------------------------------------------------------------------

    async def new_session(
        self, cwd: str, mcp_servers: Sequence[ClientMcpServer] | None = None, **_: Any
    ) -> NewSessionResponse:
        with as_request_errors():
            config = self._session_config(cwd, mcp_servers)
            new = await self._manager.start_thread(config)
        session = self._open(new, config)
        options = await self._options(session)
        session.announce(commands_update())
        return NewSessionResponse(session_id=session.session_id, config_options=options)

    async def load_session(
        self,
        cwd: str,
        session_id: str,
        mcp_servers: Sequence[ClientMcpServer] | None = None,
        **_: Any,
    ) -> LoadSessionResponse:
        session = await self._resume(cwd, session_id, mcp_servers)
        history = session.new.session_configured.initial_messages or []
        for update in replay_updates(history):
            await session.send(update)
        options = await self._options(session)
        session.announce(commands_update())
        return LoadSessionResponse(config_options=options)

    async def resume_session(
        self,
        cwd: str,
        session_id: str,
        mcp_servers: Sequence[ClientMcpServer] | None = None,
        **_: Any,
    ) -> ResumeSessionResponse:
        session = await self._resume(cwd, session_id, mcp_servers)
        options = await self._options(session)
        session.announce(commands_update())
        return ResumeSessionResponse(config_options=options)

    async def fork_session(
        self,
        session_id: str,
        cwd: str,
        mcp_servers: Sequence[ClientMcpServer] | None = None,
        **meta: Any,
    ) -> ForkSessionResponse:
        at = _fork_point(meta.get(FORK_AT_META_KEY))
        with as_request_errors():
            config = self._session_config(cwd, mcp_servers)
            new = await self._fork(session_id, at, config)
        session = self._open(new, config)
        options = await self._options(session)
        session.announce(commands_update())
        return ForkSessionResponse(session_id=session.session_id, config_options=options)

    async def _fork(self, session_id: str, at: int | None, config: Config) -> NewThread:
        from tui.commands.targets import resolve_rollout

        path = await resolve_rollout(config.lha_home, session_id)
        return await self._manager.fork_thread(at, config, path)

    async def _fork_closed(self, session: AcpSession, at: int | None) -> str:
        """``/fork``: the fork is written and closed again, an ordinary session the client
        opens from its list (it did not ask for a session, so none is opened for it)."""
        config = self._session_config(str(session.cwd), None)
        new = await self._fork(session.session_id, at, config)
        await self._manager.remove_thread(new.thread_id)
        return str(new.thread_id)

    async def list_sessions(
        self, cwd: str | None = None, cursor: str | None = None, **_: Any
    ) -> ListSessionsResponse:
        from core.rollout.listing import list_threads

        with as_request_errors():
            page = await list_threads(self._config.lha_home, LIST_PAGE_SIZE, cursor)
        sessions = _session_infos(page.items, cwd)
        return ListSessionsResponse(sessions=sessions, next_cursor=page.next_cursor)

    async def close_session(self, session_id: str, **_: Any) -> None:
        session = self._sessions.pop(session_id, None)
        if session is None:
            raise unknown_session(session_id)
        await session.close()
        await self._manager.remove_thread(session_id)

    async def close_all(self) -> None:
        """End every session (the client hung up): each rollout is flushed and unlocked."""
        for session_id in list(self._sessions):
            await self.close_session(session_id)

    # -- turns ---------------------------------------------------------------------------------

    async def prompt(self, session_id: str, prompt: list[PromptBlock], **_: Any) -> PromptResponse:
        session = self._session(session_id)
        text = "".join(getattr(block, "text", "") for block in prompt)
        command = command_of(text) if len(prompt) == 1 else None
        if command is not None:
            answer = await run_command(
                command, session, self._config.lha_home, lambda at: self._fork_closed(session, at)
            )
            if answer.text:
                await session.send(update_agent_message_text(answer.text))
            return PromptResponse(stop_reason=answer.stop_reason)
        items = user_input_items(prompt)
        if any(isinstance(item, ImageInput) for item in items):
            await self._check_takes_images(session.model)
        with as_request_errors():  # a thread that died under the prompt: one line
            stop = await session.prompt(items)
        return PromptResponse(stop_reason=stop)

    async def _check_takes_images(self, model: str) -> None:
        """Refuse images for a model the catalog knows to take only text (an unknown model is
        given the benefit of the doubt: its provider answers)."""
        preset = next((p for p in await self._presets() if p.model == model), None)
        if preset is not None and preset.refuses_images:
            raise RequestError.invalid_params(
                {"message": f"the model {model} takes no images; send text, or switch model"}
            )

    async def cancel(self, session_id: str, **_: Any) -> None:
        session = self._sessions.get(session_id)
        if session is not None:
            await session.cancel()

    # -- model and effort ----------------------------------------------------------------------

    async def set_config_option(
        self, config_id: str, session_id: str, value: str | bool, **_: Any
    ) -> SetSessionConfigOptionResponse:
        session = self._session(session_id)
        options = {option.id: option for option in await self._options(session)}
        option = options.get(config_id)
        if option is None:
            raise RequestError.invalid_params({"message": f"no config option {config_id!r}"})
        if value not in {choice.value for choice in option.options}:
            raise RequestError.invalid_params(
                {"message": f"{value!r} is not one of the choices of {config_id!r}"}
            )
        await self._apply_option(session, config_id, str(value))
        return SetSessionConfigOptionResponse(config_options=await self._options(session))

    async def _apply_option(self, session: AcpSession, config_id: str, value: str) -> None:
        """What the TUI's model picker does: the op for this thread, the choice for new
        threads, and the choice saved in config.toml."""
        from core.config import save_config_value

        if config_id == MODEL_OPTION:
            await session.new.thread.submit(OverrideTurnContext(model=value))
            session.model, key = value, "model"
        else:
            await session.new.thread.submit(OverrideTurnContext(effort=value))
            session.effort, key = value, "model_reasoning_effort"
        self._config = self._config.model_copy(update={key: value})
        with as_request_errors():
            await asyncio.to_thread(save_config_value, self._config.lha_home, key, value)

    async def _options(self, session: AcpSession) -> list[SessionConfigOptionSelect]:
        return config_options(await self._presets(), session.model, session.effort)

    async def _presets(self) -> list[ModelPreset]:
        from core.errors import LhaError

        try:
            return await self._manager.list_picker_models(
                self._config, CatalogRefreshStrategy.ONLINE_IF_UNCACHED
            )
        except LhaError as err:
            log.warning("the model list is unavailable: %s", err)
            return []

    # -- helpers -------------------------------------------------------------------------------

    def _session_config(self, cwd: str, servers: Sequence[ClientMcpServer] | None) -> Config:
        from tui.commands.work_dir import working_folder

        folder = working_folder(cwd)
        config = self._config.model_copy(update={"cwd": folder.resolve()})
        return with_client_servers(config, servers)

    async def _resume(
        self, cwd: str, session_id: str, servers: Sequence[ClientMcpServer] | None
    ) -> AcpSession:
        from tui.commands.targets import resolve_rollout

        if session_id in self._sessions:  # opened here already: reopen it from its rollout
            await self.close_session(session_id)
        with as_request_errors():
            config = self._session_config(cwd, servers)
            path = await resolve_rollout(config.lha_home, session_id)
            new = await self._manager.resume_thread_from_rollout(config, path, self._auth)
        return self._open(new, config)

    def _open(self, new: NewThread, config: Config) -> AcpSession:
        assert self._client is not None, "the connection sets the client first"
        session = AcpSession(
            session_id=str(new.thread_id),
            new=new,
            client=self._client,
            cwd=config.cwd,
            model=new.session_configured.model,
            effort=config.model_reasoning_effort,
        )
        self._sessions[session.session_id] = session
        session.start()
        return session

    def _session(self, session_id: str) -> AcpSession:
        session = self._sessions.get(session_id)
        if session is None:
            raise unknown_session(session_id)
        return session


def _session_infos(items: list[ThreadItem], cwd: str | None) -> list[SessionInfo]:
    """Past threads as ACP sessions; only those of folder ``cwd`` when one is given."""
    wanted = os.path.normpath(cwd) if cwd else None
    return [
        SessionInfo(
            session_id=str(item.thread_id),
            cwd=item.cwd,
            title=item.preview or None,
            updated_at=item.updated_at.isoformat(),
        )
        for item in items
        if wanted is None or os.path.normpath(item.cwd) == wanted
    ]


def _fork_point(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RequestError.invalid_params(
            {"message": f"_meta.{FORK_AT_META_KEY} must be a whole number, 0 or more"}
        )
    return value
