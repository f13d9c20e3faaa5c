"""Which past sessions the thread list counts as this folder's, and what its filter finds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.protocol.ids import ThreadId
from tui.session_folders import is_under, rows_of_folder
from tui.thread_rows import ThreadRow


def test_the_folder_itself_and_below_but_not_a_sibling() -> None:
    here = Path("/work/project")
    assert is_under("/work/project", here)
    assert is_under("/work/project/", here)
    assert is_under("/work/project/src/deep", here)
    assert is_under("/work/project/./src/../src", here)
    assert not is_under("/work/project-b", here), "a sibling sharing the name's start"
    assert not is_under("/work", here), "a folder above"
    assert not is_under("/elsewhere", here)
    assert is_under(None, here), "unknown: listed rather than hidden"
    assert is_under("/anything", Path("/")), "everything is below the root"


def _row(name: str | None = None, cwd: str | None = None) -> ThreadRow:
    return ThreadRow(
        thread_id=ThreadId("0190a1b2-c3d4-7000-8000-00000000abcd"),
        preview="Fix the Heron parser\nand more",
        created_at=datetime(2026, 11, 25, tzinfo=UTC),
        live=False,
        name=name,
        cwd=cwd,
    )


def test_rows_of_a_folder_keep_their_order_on_each_side() -> None:
    cwds = ["/work/project/src", "/work/project-b", None, "/work/project", "/tmp", "/work"]
    rows = [_row(name=str(n), cwd=cwd) for n, cwd in enumerate(cwds)]
    here, elsewhere = rows_of_folder(iter(rows), Path("/work/project"))
    assert [row.name for row in here] == ["0", "2", "3"]
    assert [row.name for row in elsewhere] == ["1", "4", "5"]
    assert rows_of_folder([], Path("/")) == ([], [])


def test_the_filter_matches_message_name_and_id_prefix() -> None:
    row = _row("Bird Survey")
    assert row.title == "Bird Survey"
    assert _row().title == "Fix the Heron parser"
    for query in ("heron", "  HERON ", "bird sur", "0190a1b2", "0190A1B2-C3D4-7", ""):
        assert row.matches(query), query
    for query in ("swallow", "0190a1b3", "abcd", "c3d4"):
        assert not row.matches(query), query
