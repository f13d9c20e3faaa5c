"""Finding the rollout files the index should cover, and which folders changed since last time.

``sessions/YYYY/MM/DD/rollout-*.jsonl`` holds the live library; ``archived_sessions/`` (any depth)
the archived one; the Codex CLI's ``$CODEX_HOME/sessions/`` (same layout), when given, its
sessions. A folder's modification time changes whenever a file is created, deleted or renamed in
it, so a folder whose time is the one the index recorded need not be listed again:
its files are the known ones. That turns the quick check a search makes at 10,000 sessions from
10,000 directory entries into a few hundred folder ``stat`` calls. (Appends to a known file do not
change its folder: see ``updater`` for how those are found.)
"""

from __future__ import annotations

import os
import stat
from collections import defaultdict

from core.records import Record
from core.rollout.layout import ARCHIVED_SUBDIR, SESSIONS_SUBDIR

UNKNOWN = -1
"""``size`` and ``mtime_ns`` of a file listed without ``stat``."""


class RolloutFile(Record):
    path: str
    size: int
    mtime_ns: int
    archived: bool
    codex: bool = False
    """Written by the Codex CLI (under ``$CODEX_HOME/sessions``): indexed, never written."""


class FolderScan:
    """What a walk found: files in the folders it listed, and each folder's time."""

    __slots__ = ("files", "listed", "times")

    def __init__(self) -> None:
        self.files: list[RolloutFile] = []
        self.listed: set[str] = set()
        """Folders whose entries were read (changed, new, or every folder in a full walk)."""
        self.times: dict[str, int] = {}
        """Every folder seen, with the modification time read *before* listing it."""


def _is_rollout_name(name: str) -> bool:
    return name.startswith("rollout-") and name.endswith(".jsonl")


class _Walker:
    def __init__(self, recorded: dict[str, int], with_stat: bool) -> None:
        self.recorded = recorded
        self.with_stat = with_stat
        self.children: dict[str, list[str]] = defaultdict(list)
        for folder in recorded:
            self.children[os.path.dirname(folder)].append(folder)
        self.scan = FolderScan()

    def visit(self, folder: str, archived: bool, codex: bool = False) -> None:
        try:
            mtime = os.stat(folder).st_mtime_ns
        except OSError:
            return
        self.scan.times[folder] = mtime
        if self.recorded.get(folder) == mtime:
            for child in self.children.get(folder, ()):
                self.visit(child, archived, codex)
            return
        self.scan.listed.add(folder)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            self._entry(entry, archived, codex)

    def _entry(self, entry: os.DirEntry[str], archived: bool, codex: bool) -> None:
        try:
            if entry.is_dir(follow_symlinks=False):
                self.visit(entry.path, archived, codex)
            elif _is_rollout_name(entry.name) and entry.is_file(follow_symlinks=False):
                if not self.with_stat:
                    self.scan.files.append(
                        RolloutFile(entry.path, UNKNOWN, UNKNOWN, archived, codex)
                    )
                    return
                info = entry.stat(follow_symlinks=False)
                self.scan.files.append(
                    RolloutFile(entry.path, info.st_size, info.st_mtime_ns, archived, codex)
                )
        except OSError:  # vanished or unreadable meanwhile: skipped like a missing file
            return


def scan_folders(
    lha_home: str | os.PathLike[str],
    recorded: dict[str, int] | None = None,
    with_stat: bool = True,
    codex_root: str | os.PathLike[str] | None = None,
) -> FolderScan:
    """Walk ``sessions/``, ``archived_sessions/`` and ``codex_root`` (the Codex CLI's sessions
    folder, if given), listing only folders whose time differs from ``recorded`` (all of them
    when it is None); ``with_stat`` also reads each file's size."""
    walker = _Walker(recorded or {}, with_stat)
    home = str(lha_home)
    walker.visit(os.path.join(home, SESSIONS_SUBDIR), archived=False)
    walker.visit(os.path.join(home, ARCHIVED_SUBDIR), archived=True)
    if codex_root is not None:
        walker.visit(str(codex_root), archived=False, codex=True)
    return walker.scan


def find_rollout_files(lha_home: str | os.PathLike[str]) -> list[RolloutFile]:
    """Every rollout under ``sessions/`` and ``archived_sessions/``, with its size and time."""
    return scan_folders(lha_home).files


def with_stat(rollout: RolloutFile) -> RolloutFile | None:
    """``rollout`` with its size and time, or None when it is gone."""
    try:
        info = os.stat(rollout.path)
    except OSError:
        return None
    return rollout._replace(size=info.st_size, mtime_ns=info.st_mtime_ns)


def is_archived_path(lha_home: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    from pathlib import Path

    try:
        Path(path).relative_to(Path(lha_home) / ARCHIVED_SUBDIR)
    except ValueError:
        return False
    return True


def open_regular_file(path: str) -> int:
    """A read-only descriptor of ``path``, which must be a regular file (not a link, FIFO or
    device that would block or mislead a read); ``OSError`` otherwise."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file")
    return fd
