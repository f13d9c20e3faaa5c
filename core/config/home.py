"""LHA_HOME and private files in it.

Everything under LHA_HOME may hold secrets or private conversations, so folders are created 0700
and files are written 0600, atomically (a crash mid-write never leaves a half file behind that a
later start would misread).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

LHA_HOME_ENV = "LHA_HOME"
CONFIG_MAX_BYTES = 1024 * 1024
"""config.toml is a few KB; a file near this size is not a config and is not read whole."""


def default_lha_home() -> Path:
    """``$LHA_HOME`` when set and non-blank, else ``~/.lha``; absolute, not created."""
    raw = os.environ.get(LHA_HOME_ENV, "").strip()
    home = Path(raw).expanduser() if raw else Path.home() / ".lha"
    return home.absolute()


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and its missing parents) with mode 0700; an existing folder is left as
    it is. ``mkdir(parents=True)`` alone would make the parents by the umask (often 0755)."""
    missing: list[Path] = []
    folder = path
    while not folder.is_dir() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for new_folder in reversed(missing):
        new_folder.mkdir(mode=0o700, exist_ok=True)
    return path


def lha_home_dir(lha_home: Path | None = None, *, create: bool = True) -> Path:
    """The LHA_HOME folder (``lha_home`` or the default), created 0700 unless ``create=False``."""
    home = (lha_home if lha_home is not None else default_lha_home()).expanduser().absolute()
    if create:
        ensure_private_dir(home)
    return home


def write_private_file(path: Path, data: str | bytes) -> None:
    """Atomically replace ``path`` with ``data``, mode 0600, creating its folder 0700.

    The temporary file is created 0600 from the start, so the content is never readable by
    others, not even for an instant.
    """
    ensure_private_dir(path.parent)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    import tempfile  # only when writing: keeps finding LHA_HOME cheap at start-up

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
