"""What a new thread's initial context takes from MEMORY.md.

Imported on the spawn path when the feature is on, so it stays tiny (no model client, no
pydantic models). The text goes into a developer message, as the Codex CLI does with its
memory summary: developer messages never count as user turns when forking, and the notes are
background for the model, not something the user said.
"""

from __future__ import annotations

from pathlib import Path

from core.fs import open_regular_file
from core.memories.layout import memory_file

MEMORY_CONTEXT_MAX_BYTES = 8 * 1024
MEMORY_OPEN = "<memories>"
MEMORY_CLOSE = "</memories>"
_INTRO = (
    "Notes from the user's earlier sessions with you, kept by lha. Use them as background when "
    "relevant; they may be outdated, and the user's current instructions always win."
)


def bound_memory(text: str, max_bytes: int) -> str:
    """``text`` within ``max_bytes`` of UTF-8, cut at the last whole ``## `` entry if possible."""
    raw = text.encode()
    if len(raw) <= max_bytes:
        return text
    cut = raw[:max_bytes].decode("utf-8", errors="ignore")
    boundary = cut.rfind("\n## ")
    return cut[:boundary] if boundary > 0 else cut


def read_memory_section(lha_home: Path, max_bytes: int = MEMORY_CONTEXT_MAX_BYTES) -> str | None:
    """The ``<memories>`` block for a new thread, or None when there is no MEMORY.md (blocking)."""
    try:
        with open_regular_file(memory_file(lha_home)) as handle:
            raw = handle.read(max_bytes + 1)
    except OSError:
        return None
    body = bound_memory(raw.decode("utf-8", errors="ignore"), max_bytes).strip()
    if not body:
        return None
    return f"{MEMORY_OPEN}\n{_INTRO}\n\n{body}\n{MEMORY_CLOSE}"
