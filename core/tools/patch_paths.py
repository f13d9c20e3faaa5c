"""Keeping ``apply_patch`` inside the workspace, symlinks included."""

from __future__ import annotations

import os
from pathlib import Path

from core.tools.patch_parser import PatchError


def resolve_in_workspace(raw: str, workspace: Path) -> Path:
    """The absolute path for ``raw``; ``PatchError`` if it would land outside ``workspace``.

    Symlinks in existing parts of the path are followed, so a link pointing out of the workspace
    cannot be used to escape it."""
    if "\0" in raw:
        raise PatchError(f"invalid path {raw!r}")
    root = Path(os.path.realpath(workspace))
    candidate = Path(raw).expanduser()
    if not candidate.is_absolute():
        candidate = root / candidate
    real = Path(os.path.realpath(candidate))
    if real != root and root not in real.parents:
        raise PatchError(f"{raw}: the path is outside the workspace ({root}); patches stay in it")
    if real == root:
        raise PatchError(f"{raw}: the path is the workspace itself, not a file")
    return real


def display_path(path: Path, workspace: Path) -> str:
    root = Path(os.path.realpath(workspace))
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
