"""Where the Codex CLI keeps its sessions: ``$CODEX_HOME/sessions`` (``~/.codex`` by default).

lha only reads there: its sessions are listed beside lha's own, and continuing one writes a new
lha rollout under ``LHA_HOME``. The ``codex_sessions = false`` key turns the listing off.
"""

from __future__ import annotations

import os
from pathlib import Path

CODEX_HOME_ENV = "CODEX_HOME"


def codex_home() -> Path:
    """``$CODEX_HOME``, else ``~/.codex``."""
    return Path(os.environ.get(CODEX_HOME_ENV) or "~/.codex").expanduser()


def codex_session_roots(enabled: bool = True) -> tuple[Path, ...]:
    """The Codex CLI's sessions folder, as extra roots for the session list (none when the
    listing is off or the folder does not exist)."""
    if not enabled:
        return ()
    root = codex_home() / "sessions"
    try:
        return (root,) if root.is_dir() else ()
    except OSError:
        return ()
