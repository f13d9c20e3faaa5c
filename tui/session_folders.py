"""Which folder a past session belongs to, as the thread list groups them."""

from __future__ import annotations

import os
from pathlib import Path


def is_under(cwd: str | None, folder: Path) -> bool:
    """Whether a session started in ``cwd`` belongs to ``folder``: the folder itself or one
    below it. Compared as written (no symlinks resolved: this runs for every listed session);
    an unknown ``cwd`` counts as the folder's, so nothing is hidden for want of it."""
    if cwd is None:
        return True
    here = os.path.normpath(folder)
    there = os.path.normpath(cwd)
    return there == here or there.startswith(here.rstrip(os.sep) + os.sep)
