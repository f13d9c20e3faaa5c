"""Where memories live under LHA_HOME, and how their files are written (private, atomically).

memories/                      0700
  MEMORY.md                    0600  consolidated, newest first, bounded
  rollout_summaries/<id>.md    0600  one per summarised rollout
  .leases/<name>.lease         0600  who is working on what (see lease.py)
"""

from __future__ import annotations

from pathlib import Path

from core.fs import ensure_private_dir
from core.protocol.ids import ThreadId

MEMORIES_SUBDIR = "memories"
MEMORY_FILE_NAME = "MEMORY.md"
SUMMARIES_SUBDIR = "rollout_summaries"
LEASES_SUBDIR = ".leases"
CONSOLIDATION_LEASE = "consolidate"


def memories_root(lha_home: Path) -> Path:
    return Path(lha_home) / MEMORIES_SUBDIR


def memory_file(lha_home: Path) -> Path:
    return memories_root(lha_home) / MEMORY_FILE_NAME


def summaries_dir(lha_home: Path) -> Path:
    return memories_root(lha_home) / SUMMARIES_SUBDIR


def summary_file(lha_home: Path, thread_id: ThreadId) -> Path:
    return summaries_dir(lha_home) / f"{thread_id}.md"


def leases_dir(lha_home: Path) -> Path:
    return memories_root(lha_home) / LEASES_SUBDIR


def ensure_layout(lha_home: Path) -> None:
    """Create the memories folders, each 0700 (parents included)."""
    ensure_private_dir(summaries_dir(lha_home))
    ensure_private_dir(leases_dir(lha_home))
