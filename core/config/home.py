"""Where LHA_HOME is. Everything in it is private: written through ``core.fs``."""

from __future__ import annotations

import os

from core.path_text import path_text
from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

LHA_HOME_ENV = "LHA_HOME"
CONFIG_MAX_BYTES = 1024 * 1024
"""config.toml is a few KB; a file near this size is not a config and is not read whole."""


def default_lha_home() -> Path:
    """``$LHA_HOME`` when set and non-blank, else ``~/.lha``; absolute, not created."""
    from pathlib import Path

    return Path(lha_home_text())


def lha_home_text() -> str:
    """``default_lha_home()`` as text, without importing pathlib (``lha search``)."""
    raw = os.environ.get(LHA_HOME_ENV, "").strip()
    home = os.path.expanduser(raw) if raw else os.path.join(os.path.expanduser("~"), ".lha")
    return path_text(home if os.path.isabs(home) else os.path.join(os.getcwd(), home))


def lha_home_dir(lha_home: Path | None = None, *, create: bool = True) -> Path:
    """The LHA_HOME folder (``lha_home`` or the default), created 0700 unless ``create=False``."""
    from core.fs import ensure_private_dir

    home = (lha_home if lha_home is not None else default_lha_home()).expanduser().absolute()
    if create:
        ensure_private_dir(home)
    return home
