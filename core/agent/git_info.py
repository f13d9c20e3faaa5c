"""Git facts for session_meta, read straight from ``.git`` (no subprocess on the spawn path)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from core.fs import read_regular_file
from core.protocol.session import GitInfo

_SMALL_FILE = 64 * 1024
"""HEAD, a ref or a ``.git`` pointer file is one line; .git/config a few KB."""


def _small_text(path: Path) -> str:
    """A git file's text, refused (``OSError``) if it is a FIFO, a device or huge."""
    return read_regular_file(path, max_bytes=_SMALL_FILE).decode("utf-8", errors="replace")


def find_git_dir(cwd: Path) -> Path | None:
    for folder in (cwd, *cwd.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = _small_text(candidate).strip()
            if text.startswith("gitdir:"):
                return (folder / text.removeprefix("gitdir:").strip()).resolve()
    return None


def collect_git_info(cwd: Path) -> GitInfo | None:
    """Branch, commit and origin URL of the repository holding cwd, or None outside one."""
    try:
        git_dir = find_git_dir(cwd.resolve())
    except OSError:
        return None
    if git_dir is None:
        return None
    import configparser  # only inside a repository: a fork outside one need not load it

    try:
        head = _small_text(git_dir / "HEAD").strip()
        branch: str | None = None
        commit: str | None = head
        if head.startswith("ref:"):
            ref = head.removeprefix("ref:").strip()
            branch = ref.removeprefix("refs/heads/")
            ref_file = git_dir / ref
            commit = _small_text(ref_file).strip() if ref_file.is_file() else None
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        with contextlib.suppress(OSError):  # no readable config: no origin URL, as git says
            parser.read_string(_small_text(git_dir / "config"))
        url = parser.get('remote "origin"', "url", fallback=None)
        return GitInfo(commit_hash=commit, branch=branch, repository_url=url)
    except (OSError, configparser.Error, UnicodeDecodeError):
        return None
