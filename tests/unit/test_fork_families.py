"""Past sessions are listed newest first, with each fork right under its parent."""

from __future__ import annotations

from dataclasses import dataclass

from core.protocol.ids import ThreadId
from tui.fork_families import family_order


@dataclass(frozen=True)
class Row:
    thread_id: ThreadId
    forked_from_id: ThreadId | None = None


def _ids(n: int) -> list[ThreadId]:
    return [ThreadId(f"01900000-0000-7000-8000-{i:012d}") for i in range(n)]


def test_forks_follow_their_parent_newest_first() -> None:
    a, b, c, d, e = _ids(5)
    rows = [Row(e, a), Row(d), Row(c, a), Row(b, c), Row(a)]  # newest first
    assert [r.thread_id for r in family_order(rows)] == [d, a, e, c, b]


def test_a_fork_whose_parent_is_not_listed_keeps_its_place() -> None:
    a, b, gone = _ids(3)
    rows = [Row(b, gone), Row(a)]
    assert family_order(rows) == rows


def test_a_cycle_from_corrupt_files_keeps_every_row_once() -> None:
    a, b = _ids(2)
    rows = [Row(a, b), Row(b, a)]
    ordered = family_order(rows)
    assert sorted(r.thread_id for r in ordered) == [a, b]
