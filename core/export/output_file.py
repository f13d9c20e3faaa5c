"""Where an export is written: its format from the file's suffix, and writing it whole."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

ExportFormat = Literal["md", "html", "json"]

_SUFFIX_FORMATS: dict[str, ExportFormat] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}


def format_for_file(name: str | Path) -> ExportFormat:
    """The format a file's suffix names; Markdown for any other suffix."""
    return _SUFFIX_FORMATS.get(Path(name).suffix.lower(), "md")


def write_document(output: Path, document: str) -> None:
    """Write the whole document or nothing: a temporary file beside ``output``, renamed over
    it. Created 0600, since a conversation is private (the user may widen it)."""
    temporary = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(document)
        os.replace(temporary, output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
