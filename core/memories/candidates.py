"""Which past rollouts are due for a summary.

Eligible: idle for at least ``min_idle_s`` (file mtime: a rollout still being written to is not
finished), younger than ``max_age_s``, not the current thread's own rollout, not a sub-agent's,
and either never summarised or changed since its summary was written (a resumed session).

The walk stats file names only; rollout heads are opened just for the files that pass those
cheap checks, newest first, and at most ``limit`` of them. It blocks, so it runs in a worker thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.memories.layout import summary_file
from core.memories.settings import MemoriesSettings
from core.protocol.ids import ThreadId
from core.protocol.session import SessionSource
from core.rollout.head import read_head
from core.rollout.paths import parse_rollout_file_name, sessions_root
from core.text import first_line


@dataclass(frozen=True)
class Candidate:
    path: Path
    thread_id: ThreadId
    mtime: float
    cwd: str
    title: str
    """The first message the user typed, as the session list shows it."""


def _entries(folder: Path) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            yield from list(entries)
    except OSError:
        return


def _rollout_files(root: Path) -> Iterator[tuple[Path, ThreadId]]:
    """Every ``sessions/YYYY/MM/DD/rollout-*.jsonl`` with the thread id from its name."""
    for year in _entries(root):
        if not year.is_dir():
            continue
        for month in _entries(Path(year.path)):
            if not month.is_dir():
                continue
            for day in _entries(Path(month.path)):
                if not day.is_dir():
                    continue
                for entry in _entries(Path(day.path)):
                    parsed = parse_rollout_file_name(entry.name)
                    if parsed is not None and entry.is_file():
                        yield Path(entry.path), parsed.thread_id


def needs_summary(lha_home: Path, thread_id: ThreadId, rollout_mtime: float) -> bool:
    """No summary yet, or one older than the rollout's last change."""
    try:
        return summary_file(lha_home, thread_id).stat().st_mtime < rollout_mtime
    except FileNotFoundError:
        return True


def find_candidates(
    lha_home: Path,
    current: ThreadId,
    settings: MemoriesSettings,
    limit: int,
    now: float | None = None,
) -> list[Candidate]:
    """Up to ``limit`` eligible rollouts, most recently active first."""
    now = time.time() if now is None else now
    newest_allowed = now - settings.min_idle_s
    oldest_allowed = now - settings.max_age_s
    due: list[tuple[float, Path, ThreadId]] = []
    for path, thread_id in _rollout_files(sessions_root(lha_home)):
        if thread_id == current:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        mtime = stat.st_mtime
        if not oldest_allowed <= mtime <= newest_allowed:
            continue
        if stat.st_size > settings.max_rollout_bytes:
            continue
        if needs_summary(lha_home, thread_id, mtime):
            due.append((mtime, path, thread_id))
    due.sort(key=lambda entry: entry[0], reverse=True)
    found: list[Candidate] = []
    for mtime, path, thread_id in due:
        if len(found) >= limit:
            break
        head = read_head(path)  # None: no session_meta or nothing the user typed
        if head is None or head.meta.source is SessionSource.SUBAGENT:
            continue
        title = first_line(head.preview, 120)
        found.append(Candidate(path, thread_id, mtime, head.meta.cwd, title))
    return found
