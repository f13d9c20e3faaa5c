"""The index heals itself: a damaged, foreign, older, locked or unwritable file never stops a
search."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.index import database
from core.index.database import index_path
from core.index.library import SessionIndex
from core.index.query import parse_query
from core.index.search import SearchScope
from tests.unit.index.helpers import append_turn, new_rollout


def _search(home: Path, word: str) -> tuple[int, list[str]]:
    index = SessionIndex(home)
    try:
        hits, _ = index.search(parse_query(word), SearchScope(cwd=None))
    finally:
        index.close()
    return len(hits), index.warnings


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    append_turn(new_rollout(home, tmp_path), "the puffin dives", "ok")
    return home


def test_missing_index_is_created_without_a_warning(home: Path) -> None:
    assert _search(home, "puffin") == (1, [])
    assert index_path(home).exists()


@pytest.mark.parametrize(
    "damage",
    [
        b"this is not a database at all\n" * 100,
        b"SQLite format 3\x00" + b"\xff" * 8000,
    ],
)
def test_corrupt_file_is_rebuilt_with_one_warning(home: Path, damage: bytes) -> None:
    index_path(home).write_bytes(damage)
    found, warnings = _search(home, "puffin")
    assert found == 1
    assert len(warnings) == 1 and "rebuilt" in warnings[0]
    assert _search(home, "puffin") == (1, []), "healed for good"


def test_foreign_database_is_replaced(home: Path) -> None:
    connection = sqlite3.connect(index_path(home))
    connection.execute("CREATE TABLE recipes(name TEXT)")
    connection.commit()
    connection.close()
    found, warnings = _search(home, "puffin")
    assert found == 1 and len(warnings) == 1 and "not an lha index" in warnings[0]


def test_older_schema_is_rebuilt_in_place(home: Path) -> None:
    assert _search(home, "puffin") == (1, [])
    connection = sqlite3.connect(index_path(home))
    connection.execute("PRAGMA user_version = 0")
    connection.execute("DELETE FROM sessions")  # an old index would not know this session
    connection.commit()
    connection.close()
    found, warnings = _search(home, "puffin")
    assert found == 1 and len(warnings) == 1 and "another lha version" in warnings[0]


def test_corruption_found_midway_is_healed(home: Path) -> None:
    assert _search(home, "puffin") == (1, [])
    data = bytearray(index_path(home).read_bytes())
    for page in range(1, len(data) // 4096):  # every page after the header: garbage
        data[page * 4096 : page * 4096 + 64] = b"\xa5" * 64
    for suffix in ("-wal", "-shm"):
        Path(f"{index_path(home)}{suffix}").unlink(missing_ok=True)
    index_path(home).write_bytes(bytes(data))
    found, warnings = _search(home, "puffin")
    assert found == 1 and len(warnings) == 1


def test_lock_held_too_long_falls_back_to_memory(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert _search(home, "puffin") == (1, [])
    append_turn(new_rollout(home, tmp_path), "a puffin again", "ok")  # needs a write to index
    holder = sqlite3.connect(index_path(home), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(database, "LOCK_WAIT_SECONDS", 0.2)
    try:
        found, warnings = _search(home, "puffin")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert found == 2
    assert len(warnings) == 1 and "locked" in warnings[0] and "memory" in warnings[0]


_WRITER = """
import sys
from pathlib import Path
from core.index.library import SessionIndex
index = SessionIndex(Path(sys.argv[1]))
for path in sys.argv[2:]:
    index.update_rollout(Path(path))
index.refresh()
index.close()
"""


def test_two_processes_writing_at_once_do_not_corrupt_it(home: Path, tmp_path: Path) -> None:
    paths = []
    for n in range(30):
        path = new_rollout(home, tmp_path)
        for turn in range(5):
            append_turn(path, f"gannet {n} turn {turn}", "answer", tool_output="tool out")
        paths.append(str(path))
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(home), *order])
        for order in (paths, paths[::-1])
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    connection = sqlite3.connect(index_path(home))
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.execute("INSERT INTO message_text(message_text) VALUES ('integrity-check')")
    per_session = connection.execute(
        "SELECT count(*) FROM messages GROUP BY session HAVING count(*) != 15"
    ).fetchall()
    assert per_session == [(2,)], "only the fixture's one-turn session differs: no doubles"
    connection.close()
    found, warnings = _search(home, "gannet")
    assert found == 20 and warnings == []
