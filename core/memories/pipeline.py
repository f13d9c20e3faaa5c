"""The memories start-up pipeline: summarise idle past rollouts, then refresh MEMORY.md.

    candidates (idle >= 1 h, not summarised, not this thread)   -- candidates.py
      -> per rollout: lease, summary request, rollout_summaries/<id>.md   (<= 2 at once)
      -> MEMORY.md rebuilt under its own lease                  -- consolidate.py

Leases (lease.py) make concurrent runs, in other processes or other managers of this one,
split the work instead of repeating it: a rollout is summarised by whoever leases it first, and
re-checked after leasing in case another run finished it in the meantime. Every failure is
contained to its rollout and logged; nothing here is ever shown to the user as an error.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.auth import resolve_api_key
from core.fs import write_private_file
from core.llm.client import ModelClient
from core.memories.candidates import Candidate, find_candidates, needs_summary
from core.memories.consolidate import consolidate, memory_is_stale
from core.memories.layout import (
    CONSOLIDATION_LEASE,
    ensure_layout,
    leases_dir,
    summary_file,
)
from core.memories.lease import try_acquire
from core.memories.settings import DEFAULT_SETTINGS, MemoriesSettings
from core.memories.summarize import ask_for_summary
from core.memories.summary_file import RolloutSummary, format_summary
from core.memories.transcript import bound_text, render_transcript
from core.protocol.ids import ThreadId
from core.rollout.reader import load_rollout

if TYPE_CHECKING:
    from core.auth import AuthManager
    from core.config import Config

log = logging.getLogger("lha.memories")

_LEASE_POLL_S = 0.05
_CANDIDATE_SLACK = 4
"""Look at this many times more candidates than can be claimed: others may hold some leases."""


@dataclass
class PipelineReport:
    """What one run did; returned for tests and logs."""

    summarised: list[ThreadId] = field(default_factory=list)
    busy: list[ThreadId] = field(default_factory=list)
    """Leased by another run, so left to it."""
    failed: list[ThreadId] = field(default_factory=list)
    consolidated: bool = False


@dataclass
class _Run:
    home: Path
    model: str
    client: ModelClient
    settings: MemoriesSettings
    queue: list[Candidate]
    report: PipelineReport
    claims: int = 0


async def run_startup_pipeline(
    config: Config,
    thread_id: ThreadId,
    *,
    model: str,
    auth_manager: AuthManager | None,
    settings: MemoriesSettings = DEFAULT_SETTINGS,
) -> PipelineReport:
    """Summarise what is due with ``model`` on the config's provider, then consolidate.

    Raises only before any work is claimed (no API key for the provider, an unwritable home);
    the caller logs it.
    """
    home = Path(config.lha_home)
    await asyncio.to_thread(ensure_layout, home)
    limit = settings.max_claims_per_run * _CANDIDATE_SLACK
    candidates = await asyncio.to_thread(find_candidates, home, thread_id, settings, limit)
    report = PipelineReport()
    if candidates:
        api_key = resolve_api_key(config.model_provider, auth_manager)
        async with ModelClient(config.model_provider, api_key) as client:
            run = _Run(home, model, client, settings, list(candidates), report)
            workers = min(settings.max_concurrency, len(candidates))
            await asyncio.gather(*(_worker(run) for _ in range(workers)))
    stale = bool(report.summarised) or await asyncio.to_thread(memory_is_stale, home)
    if stale:
        report.consolidated = await _consolidate_under_lease(home, settings)
    return report


async def _worker(run: _Run) -> None:
    """Take candidates one by one until the queue is empty or the run has claimed enough."""
    settings = run.settings
    while run.queue and run.claims < settings.max_claims_per_run:
        candidate = run.queue.pop(0)
        lease_path = leases_dir(run.home) / f"{candidate.thread_id}.lease"
        lease = try_acquire(lease_path, settings.lease_ttl_s)
        if lease is None:
            run.report.busy.append(candidate.thread_id)
            continue
        run.claims += 1
        try:
            if not needs_summary(run.home, candidate.thread_id, candidate.mtime):
                continue  # another run finished it between our scan and our lease
            # Finish well inside the lease, so it never expires while we still work on it.
            async with asyncio.timeout(settings.lease_ttl_s * 0.8):
                done = await _summarise(run, candidate)
            (run.report.summarised if done else run.report.failed).append(candidate.thread_id)
        except Exception as err:  # one bad rollout or request must not stop the others
            log.warning("memories: could not summarise %s: %s", candidate.thread_id, err)
            run.report.failed.append(candidate.thread_id)
        finally:
            lease.release()


async def _summarise(run: _Run, candidate: Candidate) -> bool:
    history = (await load_rollout(candidate.path)).history
    transcript = render_transcript(history.get_rollout_items(), run.settings.max_transcript_chars)
    if not transcript.strip():
        log.info("memories: nothing to summarise in %s", candidate.thread_id)
        return False
    text = await ask_for_summary(run.client, run.model, transcript)
    if not text:
        log.warning("memories: the model gave an empty summary for %s", candidate.thread_id)
        return False
    summary = RolloutSummary(
        thread_id=str(candidate.thread_id),
        updated_at=datetime.fromtimestamp(candidate.mtime, UTC),
        cwd=candidate.cwd,
        title=candidate.title,
        body=bound_text(text, run.settings.max_summary_chars),
    )
    path = summary_file(run.home, candidate.thread_id)
    await asyncio.to_thread(write_private_file, path, format_summary(summary))
    log.info("memories: summarised %s", candidate.thread_id)
    return True


async def _consolidate_under_lease(home: Path, settings: MemoriesSettings) -> bool:
    """Rebuild MEMORY.md, waiting a little for a concurrent consolidation to finish first.

    Waiting (rather than skipping) matters: the other run may have read the summaries before
    ours were written, so only a rebuild after it includes them.
    """
    lease_path = leases_dir(home) / f"{CONSOLIDATION_LEASE}.lease"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.consolidation_wait_s
    while (lease := try_acquire(lease_path, settings.lease_ttl_s)) is None:
        if loop.time() >= deadline:
            log.info("memories: MEMORY.md is being rebuilt elsewhere; leaving it to a later run")
            return False
        await asyncio.sleep(_LEASE_POLL_S)
    try:
        await asyncio.to_thread(consolidate, home, settings.memory_max_bytes)
        return True
    finally:
        lease.release()
