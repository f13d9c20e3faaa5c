"""What each line of a diff is, so every place that colours one agrees: ``lha diff`` on a
terminal, the UI's diff screen and the ``apply_patch`` calls in the transcript.

It reads both shapes lha shows: git's unified diff (``diff --git``, ``---``/``+++``, ``@@``) and
the ``apply_patch`` envelope (``*** Update File:``, ``@@``, then ``+``/``-``/space lines; an
added file's lines come with no ``@@``). Inside a hunk a line starting ``---`` is a removed
line (a removed ``-- comment``), not a file header, so the lines are read in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

DiffLineKind = Literal["file", "hunk", "added", "removed", "context"]

_FILE_STARTS = ("diff ", "*** ")
"""Lines that open a file's section (and end the hunk before)."""


def diff_line_kinds(lines: list[str]) -> Iterator[tuple[DiffLineKind, str]]:
    """Each line with its kind, in order."""
    in_hunk = False
    for line in lines:
        kind: DiffLineKind
        if line.startswith(_FILE_STARTS):
            kind, in_hunk = "file", False
        elif line.startswith("@@"):
            kind, in_hunk = "hunk", True
        elif not in_hunk and line.startswith(("--- ", "+++ ")):
            kind = "file"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        elif in_hunk or line.startswith(" ") or not line:
            kind = "context"
        else:
            kind = "file"  # index, mode, rename and "Binary files ... differ" lines
        yield kind, line
