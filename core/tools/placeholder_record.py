"""A record, under ``LHA_HOME``, of the empty placeholder folders this process made at the top of a
workspace for a running command (see ``sandbox``), so that they do not outlive a crash.

They are removed when the command ends; but an lha killed mid-command (``kill -9``, a power cut)
leaves them behind, and they are not quite harmless: git skips an empty ``.git``, but lha (and
other tools) test for the name alone, so a workspace inside a repository would be taken for the
repository's root, and the AGENTS.md and ``.lha/skills`` of the folders above it stop being read.

Each process writes its own record, ``LHA_HOME/sandbox-placeholders/<pid>-<random>.txt`` (0600),
listing its placeholders before it creates them, and holds an exclusive ``flock`` on it while
the list is not empty. The kernel drops the lock when the process dies, so a record whose lock
can be taken belongs to a process that is gone: the first sandboxed command of a later lha
removes what such a record lists, but only empty folders named like a protected one.

A crash leaves one gap: a second lha that ran a command while the placeholder was stale used it
as the (read-only) cover for its own command; removing it then uncovers that one command.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from core.fs import PRIVATE_FILE_MODE, ensure_private_dir, write_all
from core.tools.protected_paths import PROTECTED_NAMES

RECORDS_SUBDIR = "sandbox-placeholders"
_SUFFIX = ".txt"
_MAX_RECORD_BYTES = 1024 * 1024


class PlaceholderLedger:
    """This process's records, one per ``LHA_HOME``, and which placeholder each lists."""

    def __init__(self) -> None:
        self._homes: dict[Path, Path] = {}
        self._records: dict[Path, _Record] = {}
        self._swept: set[Path] = set()

    def sweep_once(self, lha_home: Path) -> None:
        """Remove what processes that died left (the first time this home is seen)."""
        if lha_home not in self._swept:
            self._swept.add(lha_home)
            sweep_stale_placeholders(lha_home)

    def add(self, placeholders: Iterable[Path], lha_home: Path) -> None:
        """Record placeholders about to be created."""
        for path in placeholders:
            self._homes[path] = lha_home
        self._rewrite(lha_home)

    def discard(self, placeholders: Iterable[Path]) -> None:
        """Forget placeholders that are gone (or were never made)."""
        homes = {home for path in placeholders if (home := self._homes.pop(path, None))}
        for home in homes:
            self._rewrite(home)

    def _rewrite(self, lha_home: Path) -> None:
        listed = [path for path, home in self._homes.items() if home == lha_home]
        record = self._records.setdefault(lha_home, _Record(lha_home / RECORDS_SUBDIR))
        with contextlib.suppress(OSError):
            record.write(listed)


class _Record:
    """One process's record file, locked while it lists anything."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._path = folder / f"{os.getpid()}-{secrets.token_hex(4)}{_SUFFIX}"
        self._fd: int | None = None

    def write(self, paths: list[Path]) -> None:
        if not paths:
            self._drop()
            return
        fd = self._locked_fd()
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        write_all(fd, "".join(f"{path}\n" for path in paths).encode())

    def _locked_fd(self) -> int:
        """The record, opened and locked; made again if a sweeper removed it before the lock
        was taken (it saw an empty, unlocked file)."""
        while self._fd is None or os.fstat(self._fd).st_nlink == 0:
            if self._fd is not None:
                os.close(self._fd)
            ensure_private_dir(self._folder)
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            self._fd = os.open(self._path, flags, PRIVATE_FILE_MODE)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self._fd

    def _drop(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self._path.unlink()
        os.close(self._fd)
        self._fd = None


def sweep_stale_placeholders(lha_home: Path) -> None:
    """Remove the placeholders listed in records whose process is gone, then the records."""
    folder = lha_home / RECORDS_SUBDIR
    try:
        names = [name for name in os.listdir(folder) if name.endswith(_SUFFIX)]
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            _sweep_record(folder / name)


def _sweep_record(record: Path) -> None:
    fd = os.open(record, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # its process is alive
        listed = os.read(fd, _MAX_RECORD_BYTES).decode(errors="replace").splitlines()
        for line in listed:
            _remove_placeholder(Path(line))
        record.unlink()
    finally:
        os.close(fd)


def _remove_placeholder(path: Path) -> None:
    """Only an empty folder with a protected name: a record is not trusted with more."""
    if not path.is_absolute() or path.name not in PROTECTED_NAMES or path.is_symlink():
        return
    with contextlib.suppress(OSError):
        path.rmdir()
