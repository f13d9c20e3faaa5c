"""lha's first frame lists past sessions with json alone: the same rows as the full reader."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from core.protocol import (
    InputImage,
    MessageItem,
    SessionMetaRecord,
    TranscriptRecord,
    TurnContextRecord,
    user_message,
)
from core.protocol.session import TurnContextItem
from core.rollout.listing import list_threads_sync
from core.rollout.session_prefix import ENVIRONMENT_CONTEXT_OPEN
from tests.support.rollout_factory import write_rollout
from tui.first_page import read_first_page
from tui.fork_families import family_order
from tui.thread_rows import ThreadRow

from .helpers import conversation, meta, write_session

BASE = datetime(2026, 3, 14, 9, 26, 53)


def _full_rows(
    home: Path, size: int, cursor: str | None = None
) -> tuple[list[ThreadRow], str | None]:
    page = list_threads_sync(home, size, cursor=cursor)
    return family_order([ThreadRow.from_item(item) for item in page.items]), page.next_cursor


def _odd_sessions(home: Path) -> None:
    """Sessions of every shape the head reader meets, one a day."""
    day = iter(range(100))

    def when() -> datetime:
        return BASE + timedelta(days=next(day))

    parent = meta()
    write_session(home, parent, created=when())
    write_session(home, meta(forked_from_id=parent.id), created=when())
    write_session(home, meta(model_provider=None), created=when())
    no_meta = meta()
    write_session(home, no_meta, conversation(no_meta, 2)[1:], created=when())
    only_prefix = meta()
    prefix_only = [
        SessionMetaRecord(payload=only_prefix),
        TranscriptRecord(payload=user_message(f"{ENVIRONMENT_CONTEXT_OPEN}x")),
    ]
    write_session(home, only_prefix, prefix_only, created=when())
    image = meta()
    image_only = [
        SessionMetaRecord(payload=image),
        TranscriptRecord(
            payload=MessageItem(role="user", content=[InputImage(image_url="data:x")])
        ),
    ]
    write_session(home, image, image_only, created=when())
    with_model = meta()
    items = [
        *conversation(with_model, 1)[:3],
        TurnContextRecord(payload=TurnContextItem(cwd="/w", model="gpt-5-mini")),
        *conversation(with_model, 1)[3:],
    ]
    write_session(home, with_model, items, created=when())
    garbage = meta()
    write_session(home, garbage, created=when()).write_bytes(b"\x00\x01 not a rollout\n")
    write_session(home, meta(), created=when()).write_bytes(b"")
    deep = meta()
    path = write_session(home, deep, created=when())
    path.write_bytes(path.read_bytes() + b"[" * 100_000 + b"\n")
    for n in range(12):
        write_rollout(home, home, 2, seed=n)


def test_the_first_page_has_the_full_readers_rows_and_cursor(tmp_path: Path) -> None:
    _odd_sessions(tmp_path)
    for size in (1, 5, 13, 50):
        fast = read_first_page(tmp_path, size)
        rows, cursor = _full_rows(tmp_path, size)
        assert fast.rows == rows, f"page of {size}"
        assert fast.next_cursor == cursor


def test_the_full_reader_goes_on_from_the_first_pages_cursor(tmp_path: Path) -> None:
    _odd_sessions(tmp_path)
    everything, _ = _full_rows(tmp_path, 100)
    first = read_first_page(tmp_path, 4)
    rest, end = _full_rows(tmp_path, 100, first.next_cursor)
    assert end is None
    ids = [row.thread_id for row in [*first.rows, *rest]]
    assert sorted(ids) == sorted(row.thread_id for row in everything), "no gap, no overlap"


def test_an_empty_or_missing_home_has_an_empty_first_page(tmp_path: Path) -> None:
    page = read_first_page(tmp_path / "nowhere", 50)
    assert page.rows == [] and page.next_cursor is None


def test_reading_the_first_page_imports_no_protocol_model(tmp_path: Path) -> None:
    write_rollout(tmp_path, tmp_path, 1)
    code = (
        "import sys; from pathlib import Path; from tui.first_page import read_first_page;"
        f"assert len(read_first_page(Path({str(tmp_path)!r}), 50).rows) == 1;"
        "print(','.join(m for m in sys.modules if m.startswith(('pydantic', 'core.protocol.'))"
        " and m != 'core.protocol.ids'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_codex_sessions_are_merged_in_by_both_readers(tmp_path: Path) -> None:
    """The Codex CLI's sessions (a real 0.169 file, filed under several days) beside lha's."""
    real = Path(__file__).parents[2] / "fixtures" / "codex" / "two_turns_exec_command.jsonl"
    codex_root = tmp_path / "codex" / "sessions"
    for day in ("03", "10", "12"):
        folder = codex_root / "2026" / day / "01"
        folder.mkdir(parents=True)
        thread_id = f"01a241e1-4fe9-76b3-8618-9ddf4e3c22{day}"
        text = real.read_text().replace("01a241e1-4fe9-76b3-8618-9ddf4e3c2263", thread_id)
        (folder / f"rollout-2026-{day}-01T00-00-00-{thread_id}.jsonl").write_text(text)
    home = tmp_path / "lha"
    _odd_sessions(home)
    for size in (1, 5, 50):
        fast = read_first_page(home, size, [codex_root])
        page = list_threads_sync(home, size, extra_roots=[codex_root])
        assert fast.rows == family_order([ThreadRow.from_item(item) for item in page.items])
        assert fast.next_cursor == page.next_cursor
    everything = read_first_page(home, 100, [codex_root]).rows
    codex_rows = [row for row in everything if row.origin == "codex"]
    assert len(codex_rows) == 3
    assert {row.first_line for row in codex_rows} == {"first question"}
