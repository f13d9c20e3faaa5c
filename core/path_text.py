"""A path as text, spelled as ``pathlib`` spells it, for code that runs before pathlib loads.

``lha search`` is mostly start-up, and pathlib with what it imports is ~3 ms of it. The paths it
builds from LHA_HOME become rows of the search index, which other lha processes build from
``pathlib.Path``s: both must spell a path alike, or the index would hold one rollout twice.
"""

from __future__ import annotations


def path_text(path: str) -> str:
    """``str(pathlib.PurePosixPath(path))``: no empty or ``.`` parts, no trailing slash."""
    root = "/" if path.startswith("/") else ""
    if path.startswith("//") and not path.startswith("///"):
        root = "//"  # POSIX leaves a leading pair of slashes to the system; pathlib keeps it
    return root + "/".join(part for part in path.split("/") if part not in ("", ".")) or "."
