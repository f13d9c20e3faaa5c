"""Running the real ``git`` binary against a shadow repository, never the user's.

Every call names the shadow repository's own ``GIT_DIR``, ``GIT_WORK_TREE`` and
``GIT_INDEX_FILE``, so whatever repository the workspace belongs to is never read for writing:
no commit, stash, index change, ref or hook happens there. The user's and the system's git
configuration are left out (a ``core.hooksPath``, ``core.fsmonitor`` or alias there would run
programs or change behaviour), and hooks and fsmonitor are switched off on the command line too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from core.errors import InvalidRequest, LhaError

GIT_TIMEOUT_SECONDS = 120.0
"""A snapshot of a huge folder may be slow, but never hangs a turn forever."""

_SAFE_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=",
    "core.untrackedCache=false",
    "core.autocrlf=false",
    "core.safecrlf=false",
    "core.symlinks=true",
    "core.quotePath=false",
    "gc.auto=0",
    "advice.detachedHead=false",
    "safe.directory=*",
    "diff.external=",
)
_KEPT_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT")


class SnapshotUnavailable(InvalidRequest):
    """Snapshots cannot be taken or used here (no git, a damaged store, another machine's)."""


class GitFailed(LhaError):
    """A git command in the shadow repository failed."""


def find_git() -> str | None:
    """The git binary on PATH, or None: snapshots then cost nothing but one warning."""
    return shutil.which("git")


@dataclass(frozen=True)
class ShadowGit:
    """How to run git on one shadow repository (``git_dir``) over one folder (``work_tree``)."""

    binary: str
    git_dir: Path
    work_tree: Path

    def env(self, index_file: Path | None) -> dict[str, str]:
        """A minimal environment: no secrets, no user or system config, no GIT_* from outside."""
        env = {name: os.environ[name] for name in _KEPT_ENV if name in os.environ}
        env.update(
            GIT_DIR=str(self.git_dir),
            GIT_WORK_TREE=str(self.work_tree),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_TERMINAL_PROMPT="0",
            GIT_OPTIONAL_LOCKS="0",
            HOME=str(self.git_dir),
            XDG_CONFIG_HOME=str(self.git_dir),
            GIT_AUTHOR_NAME="lha",
            GIT_AUTHOR_EMAIL="lha@localhost",
            GIT_COMMITTER_NAME="lha",
            GIT_COMMITTER_EMAIL="lha@localhost",
        )
        if index_file is not None:
            env["GIT_INDEX_FILE"] = str(index_file)
        return env

    def run(
        self,
        *args: str,
        index_file: Path | None = None,
        stdin: bytes | None = None,
        check: bool = True,
    ) -> bytes:
        """Run ``git ARGS`` in the work tree; its stdout. Raises ``GitFailed`` on an error."""
        command = [self.binary, *(part for pair in _config_args() for part in pair), *args]
        try:
            done = subprocess.run(
                command,
                cwd=self.work_tree,
                env=self.env(index_file),
                input=stdin,
                capture_output=True,
                timeout=GIT_TIMEOUT_SECONDS,
                umask=0o077,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise GitFailed(f"git {args[0]} failed: {err}") from err
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"exit code {done.returncode}"
            raise GitFailed(f"git {args[0]} failed: {detail}")
        return done.stdout


def _config_args() -> list[tuple[str, str]]:
    return [("-c", setting) for setting in _SAFE_CONFIG]
