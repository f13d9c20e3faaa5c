"""Finding the rollout files the index should cover, with the size and time of each.

``sessions/YYYY/MM/DD/rollout-*.jsonl`` holds the live library; ``archived_sessions/`` (any depth)
the archived one. One ``stat`` per file is the whole cost of noticing what changed, since
rollouts only ever grow: a file whose size differs from its indexed size has new lines.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.rollout.paths import SESSIONS_SUBDIR

ARCHIVED_SUBDIR = "archived_sessions"


@dataclass(frozen=True, slots=True)
class RolloutFile:
    path: str
    size: int
    mtime_ns: int
    archived: bool


def _is_rollout_name(name: str) -> bool:
    return name.startswith("rollout-") and name.endswith(".jsonl")


def _walk(folder: str, archived: bool) -> Iterator[RolloutFile]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path, archived)
            elif _is_rollout_name(entry.name) and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                yield RolloutFile(entry.path, info.st_size, info.st_mtime_ns, archived)
        except OSError:  # vanished or unreadable meanwhile: skipped like a missing file
            continue


def find_rollout_files(lha_home: Path) -> list[RolloutFile]:
    """Every rollout under ``sessions/`` and ``archived_sessions/`` (regular files only)."""
    home = str(lha_home)
    found = list(_walk(os.path.join(home, SESSIONS_SUBDIR), archived=False))
    found += _walk(os.path.join(home, ARCHIVED_SUBDIR), archived=True)
    return found


def is_archived_path(lha_home: Path, path: Path) -> bool:
    try:
        Path(path).relative_to(Path(lha_home) / ARCHIVED_SUBDIR)
    except ValueError:
        return False
    return True
