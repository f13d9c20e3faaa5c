"""A thread as one JSON document, ``{"thread": {...}, "items": [...]}``, for scripts."""

from __future__ import annotations

import json
from dataclasses import asdict

from core.export.model import ExportedThread


def render_json(thread: ExportedThread) -> str:
    about = asdict(thread)
    items = about.pop("entries")
    return json.dumps({"thread": about, "items": items}, ensure_ascii=False, indent=1) + "\n"
