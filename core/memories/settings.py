"""The limits of the memories pipeline, in one place so tests and callers can tighten them.

Every number here bounds something that could otherwise grow without limit: how much of a
transcript a model sees, how big a summary or MEMORY.md gets, how many rollouts one start-up
claims, how long a crashed process can block others.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MemoriesSettings:
    min_idle_s: float = 3600.0
    """A rollout untouched for less than this may still be in use; it waits for a later start."""
    max_age_s: float = 30 * 24 * 3600.0
    """Older rollouts are left alone: turning the feature on must not summarise years of history."""
    max_claims_per_run: int = 8
    """Rollouts one start-up summarises at most; the rest wait for the next start."""
    max_concurrency: int = 2
    """Summary requests in flight at once, per start-up task."""
    lease_ttl_s: float = 15 * 60.0
    """After this a lease counts as abandoned (its process crashed) and may be taken over."""
    max_rollout_bytes: int = 64 * 1024 * 1024
    """Larger rollouts are skipped rather than read into memory for a summary."""
    max_transcript_chars: int = 24_000
    """The transcript sent for a summary is cut to this (head and tail kept)."""
    max_summary_chars: int = 1_500
    """A model's summary is cut to this before it is stored."""
    memory_max_bytes: int = 8 * 1024
    """MEMORY.md (and what a new thread's initial context takes from it) stays under this."""
    consolidation_wait_s: float = 5.0
    """How long to wait for another process's consolidation before leaving it to the next run."""


DEFAULT_SETTINGS = MemoriesSettings()
