"""Which folder a past session belongs to, as the thread list groups them.

One home for the folder filter: the sidebar and the pre-painted first frame
(``tui/prepaint.py``) both split their rows with ``rows_of_folder``, so the frame painted before
Textual lists exactly the rows the sidebar then mounts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from tui.thread_rows import ThreadRow


class FolderRows(NamedTuple):
    here: list[ThreadRow]
    """The rows of the folder or below it, in the order given."""
    elsewhere: list[ThreadRow]
    """The other rows, in the order given."""


def rows_of_folder(rows: Iterable[ThreadRow], folder: Path) -> FolderRows:
    """``rows`` split into the folder's (the folder itself or below it) and the others'."""
    split = FolderRows([], [])
    for row in rows:
        (split.here if is_under(row.cwd, folder) else split.elsewhere).append(row)
    return split


def is_under(cwd: str | None, folder: Path) -> bool:
    """Whether a session started in ``cwd`` belongs to ``folder``: the folder itself or one
    below it. Compared as written (no symlinks resolved: this runs for every listed session);
    an unknown ``cwd`` counts as the folder's, so nothing is hidden for want of it."""
    if cwd is None:
        return True
    here = os.path.normpath(folder)
    there = os.path.normpath(cwd)
    return there == here or there.startswith(here.rstrip(os.sep) + os.sep)
