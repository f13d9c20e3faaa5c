"""Preparing a thread's session: model, settings, rollout file and history, before its task runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core import __version__
from core.agent.git_info import collect_git_info
from core.agent.history import last_token_info, last_turn_context, reconstruct_history
from core.agent.session import Session
from core.agent.skill_injection import make_skill_injector, skills_section_for
from core.agent.tool_call_pairing import STOPPED_BEFORE_TOOL_FINISHED, pair_tool_outputs
from core.agent.turn_context import TurnContext
from core.assets import read_asset_text
from core.errors import LhaError
from core.models.refresh_strategy import CatalogRefreshStrategy
from core.protocol.events import Event, EventMsg, SessionConfigured, Warning
from core.protocol.history import InitialHistory
from core.protocol.ids import ThreadId
from core.protocol.rollout import SessionMetaRecord, TranscriptRecord, utc_timestamp
from core.protocol.session import BaseInstructions, DynamicToolSpec, SessionMeta, SessionSource
from core.tools.dynamic import check_dynamic_tool_names
from core.tools.mcp_lifecycle import start_tools

if TYPE_CHECKING:
    from core.auth import AuthManager
    from core.config import Config
    from core.models.manager import ModelsManager
    from core.rollout.recorder import RolloutRecorder
    from core.skills import SkillsManager

log = logging.getLogger("lha.agent")


def _history_base_instructions(history: InitialHistory) -> str | None:
    for item in history.items:
        if isinstance(item, SessionMetaRecord) and item.payload.base_instructions is not None:
            return item.payload.base_instructions.text
    return None


def _history_dynamic_tools(history: InitialHistory) -> list[DynamicToolSpec]:
    """The dynamic tools the thread was started with: a resumed or forked thread keeps its
    tools (the model has seen them and may call them again) unless the caller gives others."""
    for item in history.items:
        if isinstance(item, SessionMetaRecord):
            return list(item.payload.dynamic_tools or [])
    return []


def new_turn_context(
    config: Config, model: str, context_window: int | None, *, takes_images: bool = True
) -> TurnContext:
    """A thread's settings from the config, before any override."""
    cwd = Path(config.cwd)
    return TurnContext(
        model=model,
        model_provider_id=config.model_provider_id,
        provider=config.model_provider,
        cwd=cwd,
        approval_policy=config.approval_policy,
        sandbox_mode=config.sandbox_mode,
        effort=config.model_reasoning_effort,
        model_context_window=context_window,
        writable_roots=tuple(
            cwd / root.expanduser() for root in config.sandbox_workspace_write.writable_roots
        ),
        network_access=config.sandbox_workspace_write.network_access,
        auto_compact_token_limit=config.model_auto_compact_token_limit,
        takes_images=takes_images,
    )


def new_thread_base_instructions(config: Config) -> str:
    return config.base_instructions or read_asset_text("base_instructions.md")


async def memory_section_for_new_thread(config: Config, source: SessionSource) -> str | None:
    return await _memory_section(config, InitialHistory.new(), source)


async def _resolve_model(
    config: Config, models_manager: ModelsManager, previous_model: str | None
) -> str:
    """Explicit model, else the resumed thread's last model, else the catalog's default."""
    if config.model:
        return config.model
    if previous_model:
        return previous_model
    return await models_manager.get_default_model(None, config, CatalogRefreshStrategy.OFFLINE)


async def build_session(
    config: Config,
    auth_manager: AuthManager,
    models_manager: ModelsManager,
    skills_manager: SkillsManager,
    history: InitialHistory,
    source: SessionSource,
    dynamic_tools: list[DynamicToolSpec],
) -> tuple[Session, list[EventMsg]]:
    """The new session and the events that open its event stream (session_configured first)."""
    items = history.get_rollout_items()
    check_dynamic_tool_names(tool.name for tool in dynamic_tools)
    dynamic_tools = dynamic_tools or _history_dynamic_tools(history)
    previous = last_turn_context(items)
    model = await _resolve_model(config, models_manager, previous.model if previous else None)
    info = await models_manager.get_model_info(model, config)
    cwd = Path(config.cwd)
    turn_context = new_turn_context(
        config,
        model,
        config.model_context_window or info.context_window,
        takes_images=not info.refuses_images,
    )
    base_instructions = (
        config.base_instructions
        or _history_base_instructions(history)
        or new_thread_base_instructions(config)
    )
    thread_id = history.thread_id if history.kind == "resumed" else ThreadId.new()
    assert thread_id is not None
    skills = await asyncio.to_thread(skills_manager.skills_for_cwd, cwd)
    memory_section = await _memory_section(config, history, source)
    # The last await: nothing after it can fail and leave the rollout locked.
    recorder = await _open_recorder(
        config, history, thread_id, source, base_instructions, dynamic_tools
    )
    events: asyncio.Queue[Event] = asyncio.Queue()
    transcript, made_up = pair_tool_outputs(
        reconstruct_history(items), STOPPED_BEFORE_TOOL_FINISHED
    )
    recorder.record_items([TranscriptRecord(payload=output) for output in made_up])
    session = Session(
        thread_id=thread_id,
        turn_context=turn_context,
        recorder=recorder,
        auth_manager=auth_manager,
        base_instructions=base_instructions,
        source=source,
        events=events,
        history=transcript,
        dynamic_tools=list(dynamic_tools),
        initial_context_recorded=history.kind != "new",
        skills_section=skills_section_for(skills.skills),
        skill_injector=make_skill_injector(skills.skills),
        memory_section=memory_section,
        context_window_of=_context_window_lookup(models_manager, config),
        takes_images_of=_takes_images_lookup(models_manager, config),
    )
    session.seed_token_usage(last_token_info(items))
    start_tools(session, Path(config.lha_home), config.mcp_servers, config.model_providers.values())
    configured = SessionConfigured(
        thread_id=thread_id,
        forked_from_id=history.forked_from_id(),
        model=model,
        model_provider_id=config.model_provider_id,
        cwd=str(cwd),
        rollout_path=str(recorder.rollout_path),
        initial_messages=history.get_event_msgs(),
    )
    first: list[EventMsg] = [configured]
    if previous is not None and previous.model != model:
        first.append(
            Warning(message=f"this thread was recorded with model {previous.model}; now {model}")
        )
    if info.used_fallback_model_metadata:
        first.append(
            Warning(
                message=f"model {model!r} is not in the catalog; using default limits "
                "(run `lha models` to see the known models)"
            )
        )
    for error in skills.errors:
        first.append(Warning(message=f"skill not loaded: {error}"))
    return session, first


async def _memory_section(
    config: Config, history: InitialHistory, source: SessionSource
) -> str | None:
    """MEMORY.md for a new thread's initial context, when memories are on for it."""
    from core.agent.memories import memories_enabled

    if history.kind != "new" or not memories_enabled(config, source):
        return None
    from core.memories.context import read_memory_section

    return await asyncio.to_thread(read_memory_section, Path(config.lha_home))


async def _open_recorder(
    config: Config,
    history: InitialHistory,
    thread_id: ThreadId,
    source: SessionSource,
    base_instructions: str,
    dynamic_tools: list[DynamicToolSpec],
) -> RolloutRecorder:
    from core.rollout.lock import RolloutLock, writer_command
    from core.rollout.recorder import RolloutRecorder

    lock = RolloutLock(Path(config.lha_home), thread_id, writer_command(source, history.kind))
    if history.kind == "resumed":
        assert history.rollout_path is not None
        return await asyncio.to_thread(RolloutRecorder.resume, history.rollout_path, lock)
    cwd = Path(config.cwd)
    meta = SessionMeta(
        id=thread_id,
        timestamp=utc_timestamp(),
        cwd=str(cwd),
        originator="lha",
        cli_version=__version__,
        source=source,
        model_provider=config.model_provider_id,
        base_instructions=BaseInstructions(text=base_instructions),
        dynamic_tools=list(dynamic_tools) or None,
        forked_from_id=history.forked_from_id(),
        git=await asyncio.to_thread(collect_git_info, cwd),
    )
    forked = history.kind == "forked"
    recorder = RolloutRecorder.create(
        Path(config.lha_home), thread_id, meta, materialize=forked, lock=lock
    )
    if forked:
        copied = await asyncio.to_thread(_copied_lines, history)
        if copied is not None:
            recorder.record_copied_lines(copied)
        else:
            recorder.record_items(history.get_rollout_items())
        try:
            await recorder.flush()
        except LhaError:
            with contextlib.suppress(LhaError):
                await recorder.shutdown()  # releases the new file's lock
            raise
    return recorder


def _copied_lines(history: InitialHistory) -> bytes | None:
    """A fork's lines as they are in its source (``history.copied_from``, read a moment ago;
    rollouts only grow), or None to encode the items again: no source, or the file is gone or
    shorter than it was."""
    if history.copied_from is None:
        return None
    path, size = history.copied_from
    try:
        with open(path, "rb") as source:
            lines = source.read(size)
    except OSError:
        return None
    return lines if len(lines) == size and lines.endswith(b"\n") else None


def _context_window_lookup(
    models_manager: ModelsManager, config: Config
) -> Callable[[str], Awaitable[int | None]]:
    async def context_window_of(model: str) -> int | None:
        if config.model_context_window:  # the user knows their server's window best
            return config.model_context_window
        return (await models_manager.get_model_info(model, config)).context_window

    return context_window_of


def _takes_images_lookup(
    models_manager: ModelsManager, config: Config
) -> Callable[[str], Awaitable[bool]]:
    async def takes_images_of(model: str) -> bool:
        return not (await models_manager.get_model_info(model, config)).refuses_images

    return takes_images_of
