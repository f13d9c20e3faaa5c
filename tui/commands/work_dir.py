"""``-C/--cd DIR``: the folder a thread works in, checked before anything runs there."""

from __future__ import annotations

import os
from pathlib import Path

from core.errors import InvalidRequest


def working_folder(raw: str) -> Path:
    """``raw`` as an existing folder lha may list and enter, else one ``InvalidRequest`` line.

    Checked up front: a thread started in a missing folder, a file or a folder it may not read
    would fail later, deep in a tool or the sandbox, with a much less helpful message.
    """
    path = Path(raw).expanduser()
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as err:
        raise InvalidRequest(f"-C {raw}: cannot look at it ({_reason(err)})") from None
    if not exists:
        raise InvalidRequest(f"-C {raw}: no such folder; give an existing folder")
    if not is_dir:
        raise InvalidRequest(f"-C {raw}: not a folder; give the folder to work in")
    if not os.access(path, os.R_OK | os.X_OK):
        raise InvalidRequest(f"-C {raw}: permission denied; give a folder you can read")
    return path


def _reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()
