"""What the user typed in the composer, kept across runs so Up recalls it after a restart.

``LHA_HOME/history.jsonl``: one ``{"ts": ..., "text": ...}`` line per sent message, appended
(mode 0600, like every file under LHA_HOME). Only the end of the file is read at start-up, so
a long history costs nothing; a torn or foreign line is skipped. The Codex CLI keeps the same
kind of file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from core.fs import append_private_file
from tui.file_tail import tail_lines

HISTORY_FILE = "history.jsonl"
RECALL_LIMIT = 500
"""Messages Up can reach back to."""
_TAIL_BYTES = 512 * 1024


def history_path(lha_home: Path) -> Path:
    return lha_home / HISTORY_FILE


def append_entry(lha_home: Path, text: str) -> None:
    """Add one sent message (blocking: call it off the event loop)."""
    line = json.dumps({"ts": int(time.time()), "text": text}, ensure_ascii=False) + "\n"
    append_private_file(history_path(lha_home), line.encode("utf-8"))


def load_recent(lha_home: Path, limit: int = RECALL_LIMIT) -> list[str]:
    """The last ``limit`` sent messages, oldest first; [] when there is no readable history."""
    lines = tail_lines(history_path(lha_home), _TAIL_BYTES)
    texts: list[str] = []
    for raw in lines:
        try:
            entry = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        text = entry.get("text") if isinstance(entry, dict) else None
        if isinstance(text, str) and text.strip():
            texts.append(text)
    return texts[-limit:]
