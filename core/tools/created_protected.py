"""Finding the protected folders (``.git``, ``.lha``, ``.codex``) a sandboxed command created, and
removing them.

The sandbox covers the protected folders that exist, and the missing ones at the top of a root,
but bubblewrap cannot mount over a path that does not exist yet at any depth: ``git init sub``
or ``mkdir -p sub/.lha/skills`` succeed inside it. So the walk made before the command (see
``protected_paths.scan_protected``) is kept, and after the command a second walk goes through
the same folders plus every folder that is new (walked whole, up to ``NEW_TREE_BUDGET``
folders per root, since everything in it is new). A protected entry counts as created by the
command when both hold:

- its path did not exist before: its folder was listed before without it, or is new itself;
- nothing in it is older than the command (a status change time, ``ctime``, which a command
  cannot set back): a repository the command merely moved or renamed keeps its files' times,
  and it is the user's, so it is never removed. (On a file system that keeps whole seconds, a
  new folder can look older than the command and is then left alone.)

What is not seen: a protected folder created inside an existing folder the first walk did not
list (deeper than ``NESTED_DEPTH``, below a hidden or dependency folder, past the budget).
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.tools.protected_paths import (
    PROTECTED_NAMES,
    ProtectedScan,
    is_folder,
    list_folder,
    scan_protected,
)

NEW_TREE_BUDGET = 2000
CLOCK_REALTIME_COARSE = 5
"""Linux's clock id for the coarse wall clock, the one file times are taken from (a file made
just after a ``time.time_ns()`` reading can be stamped a few milliseconds before it)."""
CLOCK_SLACK_NS = 10_000_000


@dataclass(frozen=True)
class CreationWatch:
    """The roots as they were before a command, to compare with afterwards."""

    scans: tuple[ProtectedScan, ...]
    started_ns: int

    @classmethod
    def start(cls, roots: Sequence[Path]) -> CreationWatch:
        started_ns = _coarse_now_ns() - CLOCK_SLACK_NS
        return cls(tuple(scan_protected(root) for root in roots), started_ns)

    def created(self) -> list[Path]:
        """The protected entries the command created (see the module), sorted."""
        found: set[Path] = set()
        for scan in self.scans:
            new = _new_protected(scan, self.started_ns)
            found.update(path for path in new if self._made_since(path))
        return sorted(found)

    def remove(self, path: Path) -> str | None:
        """Remove a created entry, then the folders the command made only to hold it (now
        empty); None when done, else why not."""
        try:
            if path.is_dir() and not path.is_symlink():
                _make_folders_writable(path)
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError as err:
            return err.strerror or str(err)
        scan = next((s for s in self.scans if s.root in path.parents), None)
        folder = path.parent
        while scan is not None and folder != scan.root and str(folder) not in scan.entries:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
        return None

    def _made_since(self, path: Path) -> bool:
        return all(ctime >= self.started_ns for ctime in _ctimes(path))


def _make_folders_writable(top: Path) -> None:
    """A command may leave folders without write permission, which would stop the removal."""
    for folder, sub_folders, _ in os.walk(top):
        os.chmod(folder, stat.S_IRWXU)
        sub_folders[:] = [name for name in sub_folders if not os.path.islink(f"{folder}/{name}")]


def _coarse_now_ns() -> int:
    try:
        return time.clock_gettime_ns(CLOCK_REALTIME_COARSE)
    except OSError:
        return time.time_ns() - 100 * CLOCK_SLACK_NS


def _new_protected(scan: ProtectedScan, started_ns: int) -> Iterator[Path]:
    """Protected entries in folders listed before, or in new folders, that were not there.

    A folder listed before whose status did not change since the start has the same entries
    (adding, removing or renaming one changes its folder's ``ctime``): it is not listed again,
    which keeps this walk to one ``stat`` per unchanged folder."""
    budget = NEW_TREE_BUDGET
    queue: deque[tuple[str, bool]] = deque([(str(scan.root), False)])
    while queue:
        folder, new_folder = queue.popleft()
        if new_folder:
            if budget <= 0:
                continue
            budget -= 1
        elif _unchanged_since(folder, started_ns):
            known = scan.sub_folders.get(folder, ())
            queue.extend((sub, False) for sub in known if sub in scan.listed)
            continue
        for entry in list_folder(folder) or ():
            new = new_folder or entry.path not in scan.entries
            if entry.name in PROTECTED_NAMES:
                if new:
                    yield Path(entry.path)
            elif is_folder(entry) and (new or entry.path in scan.listed):
                queue.append((entry.path, new))


def _unchanged_since(folder: str, started_ns: int) -> bool:
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_ctime_ns < started_ns


def _ctimes(path: Path) -> Iterator[int]:
    """The status change time of ``path`` and of everything in it (links not followed)."""
    pending = [str(path)]
    while pending:
        current = pending.pop()
        try:
            info = os.lstat(current)
        except OSError:
            continue
        yield info.st_ctime_ns
        if stat.S_ISDIR(info.st_mode):
            pending.extend(entry.path for entry in list_folder(current) or ())
