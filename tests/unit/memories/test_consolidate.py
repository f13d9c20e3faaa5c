"""Summary files and MEMORY.md: round trip, newest first, bounded; the context block."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.fs import write_private_file
from core.memories.consolidate import MEMORY_HEADER, consolidate, memory_is_stale
from core.memories.context import MEMORY_OPEN, bound_memory, read_memory_section
from core.memories.layout import memory_file, summaries_dir
from core.memories.summary_file import RolloutSummary, format_summary, parse_summary
from core.protocol.ids import ThreadId

BASE = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def summary(n: int, body: str = "- did things") -> RolloutSummary:
    return RolloutSummary(
        thread_id=str(ThreadId.new()),
        updated_at=BASE + timedelta(hours=n),
        cwd="/work/project",
        title=f"task {n}\nsecond line",
        body=f"{body} {n}",
    )


def store(home: Path, item: RolloutSummary) -> None:
    write_private_file(summaries_dir(home) / f"{item.thread_id}.md", format_summary(item))


def test_summary_file_round_trip() -> None:
    item = summary(1)
    parsed = parse_summary(format_summary(item))
    assert parsed is not None
    assert parsed.thread_id == item.thread_id and parsed.updated_at == item.updated_at
    assert parsed.title == "task 1 second line", "the header stays one line per key"
    assert parsed.body == "- did things 1"
    assert parse_summary("no header") is None
    assert parse_summary("---\nthread_id: x\n---\n") is None


def test_memory_is_newest_first_and_bounded(tmp_path: Path) -> None:
    for n in range(40):
        store(tmp_path, summary(n, body="- " + "words " * 40))
    (summaries_dir(tmp_path) / "junk.md").write_text("not a summary")
    assert memory_is_stale(tmp_path)
    path = consolidate(tmp_path, 4096)
    text = path.read_text()
    assert text.startswith(MEMORY_HEADER)
    assert len(text.encode()) <= 4096
    assert "Task: task 39" in text and "Task: task 0" not in text
    assert text.index("Task: task 39") < text.index("Task: task 38")
    assert not memory_is_stale(tmp_path)


def test_memory_section_is_bounded_at_an_entry(tmp_path: Path) -> None:
    assert read_memory_section(tmp_path) is None
    entries = "".join(f"\n## entry {n}\n\n" + "word " * 100 for n in range(50))
    write_private_file(memory_file(tmp_path), "# Memories\n" + entries)
    section = read_memory_section(tmp_path, max_bytes=2048)
    assert section is not None and section.startswith(MEMORY_OPEN)
    assert len(section.encode()) < 2048 + 400
    assert section.rstrip().endswith("</memories>")
    body = section.split("\n\n", 1)[1]
    assert body.count("word") == 100 * body.count("## entry"), "only whole entries"
    assert bound_memory("é" * 10, 5) == "éé", "never a broken character"
