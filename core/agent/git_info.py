"""Git facts for session_meta, read straight from ``.git`` (no subprocess on the spawn path)."""

from __future__ import annotations

from pathlib import Path

from core.protocol.session import GitInfo


def find_git_dir(cwd: Path) -> Path | None:
    for folder in (cwd, *cwd.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = candidate.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (folder / text.removeprefix("gitdir:").strip()).resolve()
    return None


def collect_git_info(cwd: Path) -> GitInfo | None:
    """Branch, commit and origin URL of the repository holding cwd, or None outside one."""
    import configparser  # 20 ms to import; only needed here, off the start-up path

    try:
        git_dir = find_git_dir(cwd.resolve())
        if git_dir is None:
            return None
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        branch: str | None = None
        commit: str | None = head
        if head.startswith("ref:"):
            ref = head.removeprefix("ref:").strip()
            branch = ref.removeprefix("refs/heads/")
            ref_file = git_dir / ref
            commit = ref_file.read_text(encoding="utf-8").strip() if ref_file.is_file() else None
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read(git_dir / "config", encoding="utf-8")
        url = parser.get('remote "origin"', "url", fallback=None)
        return GitInfo(commit_hash=commit, branch=branch, repository_url=url)
    except (OSError, configparser.Error, UnicodeDecodeError):
        return None
