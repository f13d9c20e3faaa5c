"""Keeping ``apply_patch`` inside the workspace, symlinks included."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from core.tools.patch_parser import PatchError


def resolve_in_workspace(raw: str, workspace: Path, extra_roots: Sequence[Path] = ()) -> Path:
    """The absolute path for ``raw``; ``PatchError`` if it would land outside ``workspace`` and
    every one of ``extra_roots`` (the writable roots of ``workspace-write``).

    Symlinks in existing parts of the path are followed, so a link pointing out of the workspace
    cannot be used to escape it. Relative paths are taken from the workspace."""
    if "\0" in raw:
        raise PatchError(f"invalid path {raw!r}")
    root = Path(os.path.realpath(workspace))
    candidate = Path(raw).expanduser()
    if not candidate.is_absolute():
        candidate = root / candidate
    real = Path(os.path.realpath(candidate))
    allowed = [root, *(Path(os.path.realpath(extra)) for extra in extra_roots)]
    inside = next((r for r in allowed if real != r and r in real.parents), None)
    if inside is None:
        if real in allowed:
            raise PatchError(f"{raw}: the path is a folder the patch may write in, not a file")
        where = f"the workspace ({root})" + (" or a writable root" if extra_roots else "")
        raise PatchError(f"{raw}: the path is outside {where}; patches stay in it")
    return real


def display_path(path: Path, workspace: Path) -> str:
    root = Path(os.path.realpath(workspace))
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
