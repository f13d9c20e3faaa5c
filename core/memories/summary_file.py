"""One rollout's summary on disk: ``rollout_summaries/<thread-id>.md``.

A few ``key: value`` header lines between ``---`` fences, then the summary in Markdown. The
header carries what consolidation needs to order and label entries without opening the rollout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.fs import MiB, read_regular_file
from core.text import one_line

FENCE = "---"
SUMMARY_MAX_BYTES = MiB


@dataclass(frozen=True)
class RolloutSummary:
    thread_id: str
    updated_at: datetime
    """When the rollout was last written (its mtime), UTC."""
    cwd: str
    title: str
    body: str


def format_summary(summary: RolloutSummary) -> str:
    return (
        f"{FENCE}\n"
        f"thread_id: {summary.thread_id}\n"
        f"updated_at: {summary.updated_at.astimezone(UTC).isoformat(timespec='seconds')}\n"
        f"cwd: {one_line(summary.cwd)}\n"
        f"title: {one_line(summary.title)}\n"
        f"{FENCE}\n\n"
        f"{summary.body.strip()}\n"
    )


def parse_summary(text: str) -> RolloutSummary | None:
    """The summary in ``text``, or None when its header is missing or damaged."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == FENCE)
    except StopIteration:
        return None
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    try:
        updated = datetime.fromisoformat(fields["updated_at"])
        thread_id = fields["thread_id"]
    except (KeyError, ValueError):
        return None
    if updated.tzinfo is None:
        updated = updated.replace(tzinfo=UTC)
    body = "\n".join(lines[end + 1 :]).strip()
    return RolloutSummary(thread_id, updated, fields.get("cwd", ""), fields.get("title", ""), body)


def read_summary(path: Path) -> RolloutSummary | None:
    try:
        raw = read_regular_file(path, max_bytes=SUMMARY_MAX_BYTES)
    except OSError:
        return None
    return parse_summary(raw.decode("utf-8", errors="replace"))
