"""The folders a command or a patch may not write without the user's approval: ``.git``,
``.lha`` and ``.codex``, wherever they sit inside a writable root (the workspace, and the
``writable_roots`` of ``workspace-write``).

Each one runs or feeds something outside the model's turn: ``.git/config`` and hooks run
programs at the user's next plain ``git status`` (``core.fsmonitor``, ``core.hooksPath``);
``.lha/skills`` and ``.codex`` hold instructions later sessions follow. The sandbox keeps them
read-only (and makes the missing ones at the top of a root impossible to create);
``apply_patch`` asks the user before writing inside one.

Existing folders deeper in a root (``sub/.git`` of a nested repository) are found by a bounded
walk: in folders at most ``NESTED_DEPTH`` levels below the root (``a/b/c/.git``), at most
``NESTED_BUDGET`` folders per root; hidden folders and dependency and cache folders, which hold
no repositories of the user's own, are listed but not walked into.
A missing protected folder below the top of a root cannot be covered before it exists (that
would take a mount per folder), so the walk also remembers what it listed: after a command,
``created_protected`` compares against it to find the protected folders the command created.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROTECTED_NAMES = (".git", ".lha", ".codex")
NESTED_DEPTH = 3
NESTED_BUDGET = 2000
_SKIPPED_FOLDERS = frozenset(
    {"node_modules", "__pycache__", "venv", "target", "build", "dist", "site-packages"}
)


def protected_folder(path: Path, roots: Sequence[Path]) -> Path | None:
    """The protected folder ``path`` lies in (or is), judged inside the root that holds it; None
    when it is in none. Both the path as written and its real path (symlinks followed) count."""
    for candidate in (Path(os.path.normpath(path)), Path(os.path.realpath(path))):
        for root in roots:
            found = _protected_part(candidate, Path(os.path.realpath(root)))
            if found is None and Path(os.path.normpath(root)) != Path(os.path.realpath(root)):
                found = _protected_part(candidate, Path(os.path.normpath(root)))
            if found is not None:
                return found
    return None


def _protected_part(path: Path, root: Path) -> Path | None:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    for index, part in enumerate(parts):
        if part in PROTECTED_NAMES:
            return root.joinpath(*parts[: index + 1])
    return None


def top_protected(root: Path) -> list[Path]:
    """``root/.git``, ``root/.lha``, ``root/.codex``: existing or not."""
    return [root / name for name in PROTECTED_NAMES]


@dataclass(frozen=True)
class ProtectedScan:
    """What the bounded walk saw in one root, kept so that a second walk can tell what is new."""

    root: Path
    found: tuple[Path, ...]
    """Existing protected entries below the top of the root."""
    listed: frozenset[str]
    """The folders whose entries were read."""
    entries: frozenset[str]
    """Their sub-folders and protected entries (paths as strings)."""
    sub_folders: dict[str, tuple[str, ...]]
    """Each listed folder's sub-folders, to walk on without listing it again."""


def nested_protected(root: Path) -> list[Path]:
    """Existing protected entries below the top of ``root`` (bounded walk, see the module)."""
    return list(scan_protected(root).found)


def scan_protected(root: Path) -> ProtectedScan:
    """The bounded walk of ``root`` (see the module): breadth first, ``NESTED_BUDGET`` folders."""
    found: list[Path] = []
    listed: set[str] = set()
    entries: set[str] = set()
    sub_folders: dict[str, tuple[str, ...]] = {}
    queue: deque[tuple[str, int, bool]] = deque([(str(root), 0, False)])
    while queue and len(listed) < NESTED_BUDGET:
        folder, depth, leaf = queue.popleft()
        children = list_folder(folder)
        if children is None:
            continue
        listed.add(folder)
        folders: list[str] = []
        for entry in children:
            if entry.name in PROTECTED_NAMES:
                entries.add(entry.path)
                if depth > 0:
                    found.append(Path(entry.path))
            elif is_folder(entry):
                folders.append(entry.path)
                if not leaf and depth < NESTED_DEPTH:
                    queue.append((entry.path, depth + 1, _not_walked_into(entry.name)))
        entries.update(folders)
        sub_folders[folder] = tuple(folders)
    return ProtectedScan(root, tuple(found), frozenset(listed), frozenset(entries), sub_folders)


def _not_walked_into(name: str) -> bool:
    return name.startswith(".") or name in _SKIPPED_FOLDERS


def list_folder(folder: str) -> list[os.DirEntry[str]] | None:
    """The entries of ``folder``; None when it cannot be read (gone, no permission)."""
    try:
        with os.scandir(folder) as found:
            return list(found)
    except OSError:
        return None


def is_folder(entry: os.DirEntry[str]) -> bool:
    """A real folder (a link to one is not walked through)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False
