"""The whole lines at the end of a file, for readers that must not pay for a long file."""

from __future__ import annotations

from pathlib import Path

from core.fs import open_regular_file


def tail_lines(path: Path, tail_bytes: int) -> list[bytes]:
    """The lines of the last ``tail_bytes`` bytes of ``path``; a line cut by that limit is
    dropped. [] when the file cannot be read or is not a regular file (a FIFO would block)."""
    try:
        with open_regular_file(path) as file:
            size = file.seek(0, 2)
            file.seek(max(0, size - tail_bytes))
            data = file.read()
    except OSError:
        return []
    lines = data.split(b"\n")
    return lines[1:] if size > tail_bytes else lines
