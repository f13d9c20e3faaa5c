"""Where an export is written: its format from the file's suffix, and writing it whole."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from core.fs import write_private_file

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
    """Write the whole document or nothing (``core.fs``'s atomic write), created 0600 since a
    conversation is private (the user may widen it)."""
    write_private_file(output, document)
