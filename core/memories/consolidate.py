"""MEMORY.md: every rollout summary folded into one bounded file, newest first.

Deterministic and local, with no second model call: the entries are the summaries themselves,
ordered by when their session was last active, added until the byte budget is reached. That
keeps consolidation cheap and predictable (and safe to repeat); merging or deduplicating facts
across sessions with a model is a possible later refinement.
"""

from __future__ import annotations

import logging
from pathlib import Path

from core.fs import write_private_file
from core.memories.layout import memory_file, summaries_dir
from core.memories.summary_file import RolloutSummary, read_summary

log = logging.getLogger("lha.memories")

MEMORY_HEADER = (
    "# Memories\n\n"
    "Notes lha wrote about earlier sessions, newest first. They may be out of date: "
    "check before relying on them. (Generated; edits are overwritten.)\n"
)


def _entry(summary: RolloutSummary) -> str:
    when = summary.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    heading = f"## {when}"
    if summary.cwd:
        heading += f" · {summary.cwd}"
    title = f"Task: {summary.title}\n\n" if summary.title else ""
    return f"{heading}\n\n{title}{summary.body}\n"


def load_summaries(lha_home: Path) -> list[RolloutSummary]:
    """Every readable summary, newest session first."""
    found: list[RolloutSummary] = []
    try:
        paths = sorted(summaries_dir(lha_home).glob("*.md"))
    except OSError:
        return []
    for path in paths:
        summary = read_summary(path)
        if summary is None:
            log.warning("skipping unreadable memory summary %s", path.name)
            continue
        found.append(summary)
    found.sort(key=lambda s: (s.updated_at, s.thread_id), reverse=True)
    return found


def build_memory(summaries: list[RolloutSummary], max_bytes: int) -> str:
    """The MEMORY.md text: header plus whole entries while they fit in ``max_bytes``."""
    text = MEMORY_HEADER
    used = len(text.encode())
    for summary in summaries:
        entry = "\n" + _entry(summary)
        size = len(entry.encode())
        if used + size > max_bytes:
            break
        text += entry
        used += size
    return text


def consolidate(lha_home: Path, max_bytes: int) -> Path:
    """Rewrite MEMORY.md from the summaries on disk (blocking; run it in a worker thread)."""
    path = memory_file(lha_home)
    write_private_file(path, build_memory(load_summaries(lha_home), max_bytes))
    return path


def memory_is_stale(lha_home: Path) -> bool:
    """True when some summary is newer than MEMORY.md (or MEMORY.md is missing but should exist),
    e.g. a process that crashed between writing a summary and consolidating."""
    try:
        newest = max(p.stat().st_mtime for p in summaries_dir(lha_home).glob("*.md"))
    except (ValueError, OSError):
        return False
    try:
        return memory_file(lha_home).stat().st_mtime < newest
    except FileNotFoundError:
        return True
