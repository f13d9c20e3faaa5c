"""Exporting a thread to Markdown, HTML or JSON (``lha export``, ``/export``).

``model`` reads a rollout into the one shape every format renders (cleaned of secrets and
terminal escapes there); each format is one module.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.export.html_page import render_html
from core.export.json_doc import render_json
from core.export.markdown import render_markdown
from core.export.model import ExportedThread, read_thread
from core.export.output_file import ExportFormat, format_for_file, write_document

RENDERERS: dict[str, Callable[[ExportedThread], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}


def export_rollout(path: Path, fmt: ExportFormat) -> str:
    """The rollout at ``path`` as a document in ``fmt`` (blocking: run it off the event loop)."""
    return RENDERERS[fmt](read_thread(path))


__all__ = [
    "RENDERERS",
    "ExportFormat",
    "ExportedThread",
    "export_rollout",
    "format_for_file",
    "read_thread",
    "write_document",
]
