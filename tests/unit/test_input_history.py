"""The composer's history file: appended privately, read from its end only."""

from __future__ import annotations

from pathlib import Path

from tui.input_history import RECALL_LIMIT, append_entry, history_path, load_recent


def test_the_last_messages_come_back_oldest_first(tmp_path: Path) -> None:
    total = RECALL_LIMIT + 100
    for n in range(total):
        append_entry(tmp_path, f"message {n}")
    numbers = [int(t.split()[1]) for t in load_recent(tmp_path)]
    assert numbers == list(range(100, total)), "the last RECALL_LIMIT, oldest first"
    assert history_path(tmp_path).stat().st_mode & 0o777 == 0o600


def test_only_the_end_of_a_long_file_is_read(tmp_path: Path) -> None:
    for n in range(600):
        append_entry(tmp_path, f"message {n} " + "x" * 1200)  # about 740 KB in all
    numbers = [int(t.split()[1]) for t in load_recent(tmp_path)]
    assert 300 < len(numbers) < 600, "the first 512 KB were not read"
    assert numbers == list(range(600 - len(numbers), 600)), "a cut first line is dropped whole"


def test_no_history_and_unicode(tmp_path: Path) -> None:
    assert load_recent(tmp_path / "none") == []
    append_entry(tmp_path, "héllo ✓\nsecond line")
    assert load_recent(tmp_path) == ["héllo ✓\nsecond line"]
