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
``NESTED_BUDGET`` folders per root, skipping hidden folders and dependency and cache folders,
which hold no repositories of the user's own.
A missing protected folder below the top of a root is not guarded: nothing there is read
before it exists, and covering every possible place would mean a mount per folder.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
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


def nested_protected(root: Path) -> list[Path]:
    """Existing protected entries below the top of ``root`` (bounded walk, see the module)."""
    return list(_walk_protected(root))


def _walk_protected(root: Path) -> Iterator[Path]:
    queue: deque[tuple[Path, int]] = deque([(root, 0)])
    budget = NESTED_BUDGET
    while queue and budget > 0:
        folder, depth = queue.popleft()
        budget -= 1
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name in PROTECTED_NAMES:
                if depth > 0:
                    yield Path(entry.path)
                continue
            if depth + 1 > NESTED_DEPTH or entry.name.startswith("."):
                continue
            if entry.name in _SKIPPED_FOLDERS:
                continue
            if entry.is_dir(follow_symlinks=False):
                queue.append((Path(entry.path), depth + 1))
