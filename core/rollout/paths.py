"""Where rollouts live and what their names mean.

``sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<thread-id>.jsonl``, in LOCAL time, the same
layout as the Codex CLI so its users find their way around. Names sort by creation time, which is
what lets the session list walk folders newest first and open only the files it shows.

Rollouts are private like everything under LHA_HOME: created through ``core.fs``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from core.protocol.ids import ThreadId
from core.rollout.layout import ARCHIVED_SUBDIR as ARCHIVED_SUBDIR
from core.rollout.layout import SESSIONS_SUBDIR as SESSIONS_SUBDIR

STAMP_FORMAT = "%Y-%m-%dT%H-%M-%S"
"""The filename timestamp: ISO 8601 with ``-`` for ``:`` so it is safe on every filesystem."""

_NAME_RE = re.compile(
    r"^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-"
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jsonl$"
)


class RolloutFileName(NamedTuple):
    """A parsed rollout filename. ``stamp`` is the raw ``YYYY-MM-DDThh-mm-ss`` text (sortable)."""

    stamp: str
    thread_id: ThreadId

    @property
    def created_at(self) -> datetime:
        """The creation time as an aware datetime (the name holds local time)."""
        try:
            return datetime.strptime(self.stamp, STAMP_FORMAT).astimezone()
        except ValueError:  # 31 February and the like: fall back to the first of the month
            fixed = self.stamp[:8] + "01" + self.stamp[10:]
            return datetime.strptime(fixed, STAMP_FORMAT).astimezone()


def sessions_root(lha_home: Path) -> Path:
    return Path(lha_home) / SESSIONS_SUBDIR


def archived_root(lha_home: Path) -> Path:
    return Path(lha_home) / ARCHIVED_SUBDIR


def rollout_file_name(thread_id: ThreadId, created: datetime | None = None) -> str:
    """``rollout-<local time>-<id>.jsonl`` for a thread created at ``created`` (default: now)."""
    local = (created or datetime.now()).astimezone()
    return f"rollout-{local.strftime(STAMP_FORMAT)}-{thread_id}.jsonl"


def rollout_path_for(lha_home: Path, thread_id: ThreadId, created: datetime | None = None) -> Path:
    """The full path of a new thread's rollout: the day folder is the local creation date."""
    local = (created or datetime.now()).astimezone()
    day = sessions_root(lha_home) / f"{local.year:04d}" / f"{local.month:02d}" / f"{local.day:02d}"
    return day / rollout_file_name(thread_id, local)


def parse_rollout_file_name(name: str) -> RolloutFileName | None:
    """Split a rollout filename into (timestamp, thread id); None for anything else."""
    match = _NAME_RE.match(name)
    if match is None:
        return None
    stamp, raw_id = match.groups()
    # A cheap range check instead of strptime (15 us a name, too slow for 10,000 names).
    month, day = int(stamp[5:7]), int(stamp[8:10])
    hour, minute, second = int(stamp[11:13]), int(stamp[14:16]), int(stamp[17:19])
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 62):
        return None
    return RolloutFileName(stamp, ThreadId(raw_id))


def day_folders_desc(root: Path, below: str | None = None) -> Iterator[tuple[str, Path]]:
    """(``YYYY-MM-DD``, folder) of ``root``'s day folders, newest first, skipping days after
    the date ``below`` starts with: how every reader walks sessions without opening files."""
    for year in _subdirs_desc(root, 4):
        if below is not None and year > below[:4]:
            continue
        year_dir = root / year
        for month in _subdirs_desc(year_dir, 2):
            if below is not None and f"{year}-{month}" > below[:7]:
                continue
            month_dir = year_dir / month
            for day in _subdirs_desc(month_dir, 2):
                date = f"{year}-{month}-{day}"
                if below is not None and date > below[:10]:
                    continue
                yield date, month_dir / day


def _subdirs_desc(folder: Path, width: int) -> list[str]:
    """The ``width``-digit subfolders of ``folder`` (years, months, days), newest first."""
    try:
        with os.scandir(folder) as entries:
            names = [
                e.name for e in entries if len(e.name) == width and e.name.isdigit() and e.is_dir()
            ]
    except OSError:
        return []
    names.sort(reverse=True)
    return names
