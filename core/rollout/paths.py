"""Where rollouts live and what their names mean.

``sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<thread-id>.jsonl``, in LOCAL time, the same
layout as the Codex CLI so its users find their way around. Names sort by creation time, which is
what lets the session list walk folders newest first and open only the files it shows.

Everything under LHA_HOME is private: folders are created 0700 and files 0600 at creation time
(``os.mkdir``/``os.open`` with a mode), so there is no window in which another user can read them.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from core.protocol.ids import ThreadId

SESSIONS_SUBDIR = "sessions"
ARCHIVED_SUBDIR = "archived_sessions"
"""Archived rollouts, in the same ``YYYY/MM/DD`` layout (``lha archive`` moves them here)."""
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

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


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` and any missing parents with mode 0700; existing folders are left alone."""
    missing: list[Path] = []
    current = Path(path)
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise


def open_private_append(path: Path) -> int:
    """Open (creating with mode 0600 if needed) ``path`` for appending; returns the descriptor."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    return os.open(path, flags, PRIVATE_FILE_MODE)


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new or truncated file created with mode 0600, parents 0700."""
    ensure_private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a write may be short on some filesystems)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
