"""Where the Codex CLI keeps its sessions: ``$CODEX_HOME/sessions`` (``~/.codex`` by default).

lha only reads there: its sessions are listed beside lha's own, and continuing one writes a new
lha rollout under ``LHA_HOME``. The ``codex_sessions = false`` key turns the listing off.
"""

from __future__ import annotations

import os

from core.path_text import path_text
from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

CODEX_HOME_ENV = "CODEX_HOME"


def codex_home() -> Path:
    """``$CODEX_HOME``, else ``~/.codex``."""
    from pathlib import Path

    return Path(codex_home_text())


def codex_home_text() -> str:
    """``codex_home()`` as text, without importing pathlib (``lha search``)."""
    return path_text(os.path.expanduser(os.environ.get(CODEX_HOME_ENV) or "~/.codex"))


def codex_sessions_enabled(lha_home: Path | str) -> bool:
    """The ``codex_sessions`` key of LHA_HOME's config.toml: on unless it is ``false``.

    Read without loading the config (``lha search`` must start fast): a file that does not
    mention the key is not even parsed, and a broken one leaves it on (the full load reports it).
    """
    from core.config.home import CONFIG_MAX_BYTES
    from core.fs import read_regular_text

    try:
        text = read_regular_text(os.path.join(lha_home, "config.toml"), max_bytes=CONFIG_MAX_BYTES)
    except OSError:
        return True
    if "codex_sessions" not in text:
        return True
    import tomllib

    try:
        return tomllib.loads(text).get("codex_sessions") is not False
    except (tomllib.TOMLDecodeError, RecursionError):
        return True


def codex_index_root(lha_home: Path | str) -> str | None:
    """The Codex CLI's sessions folder the search index covers, or None (off, or absent); as
    text, like ``codex_session_roots`` but without pathlib (``lha search``)."""
    return _sessions_folder() if codex_sessions_enabled(lha_home) else None


def codex_session_roots(enabled: bool = True) -> tuple[Path, ...]:
    """The Codex CLI's sessions folder, as extra roots for the session list (none when the
    listing is off or the folder does not exist)."""
    from pathlib import Path

    root = _sessions_folder() if enabled else None
    return (Path(root),) if root is not None else ()


def _sessions_folder() -> str | None:
    """``$CODEX_HOME/sessions`` when it is a folder (``isdir`` is False on any error)."""
    root = path_text(os.path.join(codex_home_text(), "sessions"))
    return root if os.path.isdir(root) else None
