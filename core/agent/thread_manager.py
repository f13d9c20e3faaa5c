"""The ThreadManager: starts, resumes, forks, lists and closes threads (the Codex CLI's
ThreadManager, in asyncio).

Every successful spawn (start, resume, fork) is put in the map and its id announced on the
thread-created broadcast, so a UI learns of threads it did not start itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.agent.agent import INITIAL_SUBMIT_ID, Agent
from core.agent.agent_thread import AgentThread
from core.agent.broadcast import Broadcast, BroadcastReceiver
from core.agent.memories import start_memories_startup_task
from core.errors import (
    InternalAgentDied,
    LhaError,
    SessionConfiguredNotFirstEvent,
    ThreadNotFound,
)
from core.llm.providers.endpoint import RuntimeEndpoint
from core.models.refresh_strategy import CatalogRefreshStrategy
from core.protocol.events import SessionConfigured
from core.protocol.history import InitialHistory
from core.protocol.ids import ThreadId
from core.protocol.ops import McpServerRefreshConfig, Op, RefreshMcpServers, Shutdown
from core.protocol.session import DynamicToolSpec, SessionSource
from core.rollout.continuation import continuable_history
from core.rollout.truncation import fork_history

if TYPE_CHECKING:
    from core.auth import AuthManager, LhaAuth
    from core.config import Config
    from core.models.info import IdentityMask, ModelInfo, ModelPreset
    from core.models.manager import ModelsManager
    from core.skills import SkillsManager

log = logging.getLogger("lha.threads")

THREAD_CREATED_CHANNEL_CAPACITY = 1024


@dataclass
class NewThread:
    """A thread just started, resumed or forked, with the event that opened it."""

    thread_id: ThreadId
    thread: AgentThread
    session_configured: SessionConfigured


class ThreadManager:
    def __init__(
        self,
        lha_home: Path,
        auth_manager: AuthManager,
        model_provider_id: str,
        provider: RuntimeEndpoint,
        session_source: SessionSource,
        *,
        models_manager: ModelsManager | None = None,
        index_new_rollouts: bool = True,
    ) -> None:
        """``index_new_rollouts=False`` is for a one-shot process (``lha exec``): the search
        index is told only of turns added to rollouts that existed before; a rollout the
        process creates (a new thread, a fork, a Codex session continued) is left to the next
        search, whose refresh lists new files anyway, rather than indexed whole (about 0.1 s a
        1,000-turn fork) while the process waits to exit."""
        from core.models.manager import ModelsManager
        from core.skills import SkillsManager

        self._threads: dict[ThreadId, AgentThread] = {}
        self._thread_created: Broadcast[ThreadId] = Broadcast(THREAD_CREATED_CHANNEL_CAPACITY)
        self._auth_manager = auth_manager
        self._models_manager = models_manager or ModelsManager(
            lha_home, auth_manager, model_provider_id, provider
        )
        self._skills_manager = SkillsManager(lha_home)
        self._session_source = session_source
        self._index_new_rollouts = index_new_rollouts
        self._ops_log: list[tuple[ThreadId, Op]] | None = None
        self._test_home: tempfile.TemporaryDirectory[str] | None = None

    # -- test constructors (as in the Codex CLI's test support) -----------------------------

    @classmethod
    def with_models_provider(cls, auth: LhaAuth, provider: RuntimeEndpoint) -> ThreadManager:
        """A manager in a private temporary LHA_HOME, removed when the manager is collected."""
        home = tempfile.TemporaryDirectory(prefix="lha-test-home-")
        manager = cls.with_models_provider_and_home(
            auth, "test-provider", provider, Path(home.name)
        )
        manager._test_home = home
        return manager

    @classmethod
    def with_models_provider_and_home(
        cls, auth: LhaAuth, model_provider_id: str, provider: RuntimeEndpoint, lha_home: Path
    ) -> ThreadManager:
        from core.auth import AuthManager
        from core.models.manager import ModelsManager

        auth_manager = AuthManager.from_auth_for_testing(auth)
        models = ModelsManager.with_provider(lha_home, auth_manager, model_provider_id, provider)
        manager = cls(
            lha_home,
            auth_manager,
            model_provider_id,
            provider,
            SessionSource.EXEC,
            models_manager=models,
        )
        manager._ops_log = []
        return manager

    # -- accessors -----------------------------------------------------------------------------

    def session_source(self) -> SessionSource:
        return self._session_source

    def skills_manager(self) -> SkillsManager:
        return self._skills_manager

    def get_models_manager(self) -> ModelsManager:
        return self._models_manager

    def auth_manager(self) -> AuthManager:
        return self._auth_manager

    # -- the model catalog, passed through -----------------------------------------------------

    async def list_models(
        self, config: Config, refresh_strategy: CatalogRefreshStrategy
    ) -> list[ModelPreset]:
        return await self._models_manager.list_models(config, refresh_strategy)

    async def list_picker_models(
        self, config: Config, refresh_strategy: CatalogRefreshStrategy
    ) -> list[ModelPreset]:
        return await self._models_manager.list_picker_models(config, refresh_strategy)

    def try_list_models(self, config: Config) -> list[ModelPreset]:
        return self._models_manager.try_list_models(config)

    def try_list_picker_models(self, config: Config) -> list[ModelPreset]:
        return self._models_manager.try_list_picker_models(config)

    async def list_model_switcher_models(
        self, config: Config, refresh_strategy: CatalogRefreshStrategy
    ) -> list[ModelPreset]:
        return await self._models_manager.list_model_switcher_models(config, refresh_strategy)

    def try_list_model_switcher_models(self, config: Config) -> list[ModelPreset]:
        return self._models_manager.try_list_model_switcher_models(config)

    def list_identities(self) -> list[IdentityMask]:
        return self._models_manager.list_identities()

    def try_is_official_openai_model(
        self, config: Config, model: str, model_provider_id: str
    ) -> bool:
        return self._models_manager.try_is_official_openai_model(config, model, model_provider_id)

    async def get_default_model(
        self, model: str | None, config: Config, refresh_strategy: CatalogRefreshStrategy
    ) -> str:
        return await self._models_manager.get_default_model(model, config, refresh_strategy)

    async def get_model_info(self, model: str, config: Config) -> ModelInfo:
        return await self._models_manager.get_model_info(model, config)

    async def switch_model_provider(
        self, model_provider_id: str, provider: RuntimeEndpoint
    ) -> None:
        await self._models_manager.switch_provider(model_provider_id, provider)

    # -- threads -------------------------------------------------------------------------------

    async def list_thread_ids(self) -> list[ThreadId]:
        return list(self._threads)

    async def refresh_mcp_servers(self, refresh_config: McpServerRefreshConfig) -> None:
        """Ask every live thread to reconnect its MCP servers; failures are only logged."""
        for thread in list(self._threads.values()):
            try:
                await thread.submit(RefreshMcpServers(config=refresh_config))
            except LhaError as err:
                log.warning("failed to request MCP server refresh: %s", err)

    def subscribe_thread_created(self) -> BroadcastReceiver[ThreadId]:
        return self._thread_created.subscribe()

    async def get_thread(self, thread_id: ThreadId | str) -> AgentThread:
        thread = self._threads.get(_as_thread_id(thread_id))
        if thread is None:
            raise ThreadNotFound(str(thread_id))
        return thread

    async def start_thread(self, config: Config) -> NewThread:
        return await self.start_thread_with_tools(config, [])

    async def start_thread_with_tools(
        self, config: Config, dynamic_tools: list[DynamicToolSpec]
    ) -> NewThread:
        return await self._spawn_thread(
            config, InitialHistory.new(), self._auth_manager, self._session_source, dynamic_tools
        )

    async def resume_thread_from_rollout(
        self,
        config: Config,
        rollout_path: Path,
        auth_manager: AuthManager,
        dynamic_tools: list[DynamicToolSpec] | None = None,
    ) -> NewThread:
        """Resume ``rollout_path``; the thread keeps its dynamic tools unless given others."""
        from core.rollout.recorder import RolloutRecorder

        history = await RolloutRecorder.get_rollout_history(Path(rollout_path))
        return await self.resume_thread_with_history(config, history, auth_manager, dynamic_tools)

    async def resume_thread_with_history(
        self,
        config: Config,
        initial_history: InitialHistory,
        auth_manager: AuthManager,
        dynamic_tools: list[DynamicToolSpec] | None = None,
    ) -> NewThread:
        """Resume a loaded history; a Codex CLI session becomes a fork of its whole thread."""
        history = continuable_history(initial_history, skip_unreadable=config.skip_unreadable_lines)
        return await self._spawn_thread(
            config, history, auth_manager, self._session_source, dynamic_tools or []
        )

    async def remove_thread(self, thread_id: ThreadId | str) -> AgentThread | None:
        """Forget a thread and shut it down if it still runs: nobody can reach it any more, and
        its writer must close (releasing the rollout's lock) before the session can be reopened."""
        thread = self._threads.pop(_as_thread_id(thread_id), None)
        if thread is not None and thread.is_running:
            with contextlib.suppress(InternalAgentDied):
                await thread.submit(Shutdown())
            await thread.wait_closed()
        return thread

    async def remove_and_close_all_threads(self) -> None:
        """Shut every thread down, wait for them to finish, and clear the map."""
        threads = list(self._threads.values())
        for thread in threads:
            await thread.submit(Shutdown())
        self._threads.clear()
        await asyncio.gather(*(thread.wait_closed() for thread in threads))

    async def fork_thread(
        self,
        nth_user_message: int | None,
        config: Config,
        path: Path,
        dynamic_tools: list[DynamicToolSpec] | None = None,
    ) -> NewThread:
        return await self.fork_thread_with_source(
            nth_user_message, config, path, self._session_source, dynamic_tools
        )

    async def fork_thread_with_source(
        self,
        nth_user_message: int | None,
        config: Config,
        path: Path,
        session_source: SessionSource,
        dynamic_tools: list[DynamicToolSpec] | None = None,
    ) -> NewThread:
        """A new thread with every rollout line before the n-th real user message of ``path``
        (all of them when n is None); it keeps the source's dynamic tools unless given others.
        The source is only read: a fork of a session open elsewhere is allowed."""
        from core.rollout.recorder import RolloutRecorder

        history = await RolloutRecorder.get_rollout_history(Path(path))
        history = continuable_history(history, skip_unreadable=config.skip_unreadable_lines)
        history = fork_history(history, nth_user_message)
        return await self._spawn_thread(
            config, history, self._auth_manager, session_source, dynamic_tools or []
        )

    def _record_op(self, thread_id: ThreadId, op: Op) -> None:
        if self._ops_log is not None:
            self._ops_log.append((thread_id, op))

    def captured_ops(self) -> list[tuple[ThreadId, Op]]:
        """Every op submitted through this manager's threads (test managers only)."""
        return list(self._ops_log or [])

    # -- spawning ------------------------------------------------------------------------------

    async def _spawn_thread(
        self,
        config: Config,
        initial_history: InitialHistory,
        auth_manager: AuthManager,
        session_source: SessionSource,
        dynamic_tools: list[DynamicToolSpec],
    ) -> NewThread:
        spawned = await Agent.spawn(
            config,
            auth_manager,
            self._models_manager,
            self._skills_manager,
            initial_history,
            session_source,
            dynamic_tools,
        )
        if self._index_new_rollouts or initial_history.kind == "resumed":
            from core.index.live import live_indexer_for  # sqlite3 and the index: not at start

            spawned.agent.on_turn_saved = live_indexer_for(config.lha_home).rollout_saved
        new_thread = await self._finalize_thread_spawn(spawned.agent)
        start_memories_startup_task(
            config,
            new_thread.thread_id,
            session_source,
            model=new_thread.session_configured.model,
            auth_manager=auth_manager,
        )
        return new_thread

    async def _finalize_thread_spawn(self, agent: Agent) -> NewThread:
        event = await agent.next_event()
        if event.id != INITIAL_SUBMIT_ID or not isinstance(event.msg, SessionConfigured):
            await agent.submit(Shutdown())
            raise SessionConfiguredNotFirstEvent()
        configured = event.msg
        thread = AgentThread(
            agent, configured, self._record_op if self._ops_log is not None else None
        )
        self._threads[configured.thread_id] = thread
        self._thread_created.send(configured.thread_id)
        return NewThread(
            thread_id=configured.thread_id, thread=thread, session_configured=configured
        )


def _as_thread_id(value: ThreadId | str) -> ThreadId:
    try:
        return value if isinstance(value, ThreadId) else ThreadId(value)
    except ValueError:
        raise ThreadNotFound(str(value)) from None
