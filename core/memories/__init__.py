"""Memories: short notes about past sessions that new threads start with (opt-in,
``[features] memories = true``; docs/architecture.md, Memories).

After each spawn the hook in ``core.agent.memories`` runs ``run_startup_pipeline`` in the
background (pipeline.py); new threads read ``LHA_HOME/memories/MEMORY.md`` into their initial
context (context.py).

This package's ``__init__`` imports nothing heavy: the spawn path imports ``core.memories.context``
and must not pay for the model client. ``run_startup_pipeline`` loads the pipeline on first call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.memories.settings import DEFAULT_SETTINGS, MemoriesSettings

if TYPE_CHECKING:
    from core.auth import AuthManager
    from core.config import Config
    from core.memories.pipeline import PipelineReport
    from core.protocol.ids import ThreadId


async def run_startup_pipeline(
    config: Config,
    thread_id: ThreadId,
    *,
    model: str,
    auth_manager: AuthManager | None,
    settings: MemoriesSettings = DEFAULT_SETTINGS,
) -> PipelineReport:
    """See ``core.memories.pipeline.run_startup_pipeline``."""
    from core.memories import pipeline

    return await pipeline.run_startup_pipeline(
        config, thread_id, model=model, auth_manager=auth_manager, settings=settings
    )


__all__ = ["DEFAULT_SETTINGS", "MemoriesSettings", "run_startup_pipeline"]
