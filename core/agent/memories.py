"""The memories start-up hook, called after every spawn (the pipeline is in core.memories).

It never blocks the spawn and never raises: memories are a background nicety.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import TYPE_CHECKING

from core.protocol.ids import ThreadId
from core.protocol.session import SessionSource

if TYPE_CHECKING:
    from core.config import Config

log = logging.getLogger("lha.memories")
_background: set[asyncio.Task[None]] = set()


def memories_enabled(config: Config, source: SessionSource) -> bool:
    return (
        bool(config.features.memories)
        and not config.ephemeral
        and source is not SessionSource.SUBAGENT
    )


def start_memories_startup_task(config: Config, thread_id: ThreadId, source: SessionSource) -> None:
    """Start the pipeline in the background when enabled for this thread."""
    if not memories_enabled(config, source):
        return
    try:
        pipeline = importlib.import_module("core.memories")
    except ModuleNotFoundError:
        log.info("memories are enabled but this build has no memories pipeline")
        return

    async def run() -> None:
        try:
            await pipeline.run_startup_pipeline(config, thread_id)
        except Exception:
            log.exception("memories start-up task failed for %s", thread_id)

    task = asyncio.create_task(run(), name=f"memories-{thread_id.short}")
    _background.add(task)
    task.add_done_callback(_background.discard)
