"""The memories start-up hook, called after every spawn (the pipeline is in core.memories).

It never blocks the spawn and never raises: memories are a background nicety. The pipeline is
imported only when the feature is on, so users without it never pay for loading it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from core.protocol.ids import ThreadId
from core.protocol.session import SessionSource

if TYPE_CHECKING:
    from core.auth import AuthManager
    from core.config import Config

log = logging.getLogger("lha.memories")
_background: set[asyncio.Task[None]] = set()


def memories_enabled(config: Config, source: SessionSource) -> bool:
    """On when opted in, for threads that persist, never for sub-agents (the Codex CLI's rule)."""
    return (
        bool(config.features.memories)
        and not config.ephemeral
        and source is not SessionSource.SUBAGENT
    )


def start_memories_startup_task(
    config: Config,
    thread_id: ThreadId,
    source: SessionSource,
    *,
    model: str,
    auth_manager: AuthManager | None,
) -> None:
    """Start the pipeline in the background when enabled for this thread.

    ``model`` is the thread's resolved model (its ``session_configured.model``): summaries are
    asked of the model the user chose, on the config's provider, with ``auth_manager``'s key.
    """
    if not memories_enabled(config, source):
        return

    async def run() -> None:
        from core.memories import run_startup_pipeline

        try:
            await run_startup_pipeline(config, thread_id, model=model, auth_manager=auth_manager)
        except Exception:
            log.exception("memories start-up task failed for %s", thread_id)

    task = asyncio.create_task(run(), name=f"memories-{thread_id.short}")
    _background.add(task)
    task.add_done_callback(_background.discard)


async def wait_for_startup_tasks(timeout_s: float | None = None) -> None:
    """Wait for every memories task running now (tests; an orderly shutdown may use it too)."""
    loop = asyncio.get_running_loop()
    pending = [task for task in _background if task.get_loop() is loop]
    if pending:
        await asyncio.wait(pending, timeout=timeout_s)
