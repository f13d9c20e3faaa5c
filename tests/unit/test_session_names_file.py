"""Reading the names file: the fast reading of lines as ``set_name`` writes them gives what the
line-by-line reading gives, and any other line sends the whole file to the careful reader."""

from __future__ import annotations

from pathlib import Path

from core.protocol.ids import ThreadId
from core.session_names import _read_any_lines, names_path, read_names, resolve_name, set_name

IDS = [ThreadId(f"0190a1b2-c3d4-7000-8000-00000000000{n}") for n in range(6)]


def _careful(home: Path) -> dict[str, str]:
    lines = _read_any_lines(names_path(home).read_bytes())
    return {thread_id: name for thread_id, name in lines.items() if name}


def _named(home: Path) -> None:
    set_name(home, IDS[0], "plain words")
    set_name(home, IDS[1], 'a "quoted" name with a \\ backslash')
    set_name(home, IDS[2], "ünïcödé 🐦 names")
    set_name(home, IDS[3], "first name")
    set_name(home, IDS[3], "renamed later")


def test_both_readers_agree_on_what_set_name_writes(tmp_path: Path) -> None:
    _named(tmp_path)
    names = read_names(tmp_path)
    assert names == _careful(tmp_path)
    assert names[str(IDS[1])] == 'a "quoted" name with a \\ backslash'
    assert names[str(IDS[3])] == "renamed later", "a later rename wins"
    assert resolve_name(tmp_path, 'A "QUOTED"') == IDS[1]


def test_a_torn_or_foreign_line_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    _named(tmp_path)
    path = names_path(tmp_path)
    with path.open("a") as file:
        file.write('{"name": "keys in another order", "thread_id": "' + str(IDS[4]) + '"}\n')
        file.write("\n")
        file.write('{"thread_id": "' + str(IDS[5]) + '", "name": "torn at the en')
    names = read_names(tmp_path)
    assert names == _careful(tmp_path)
    assert names[str(IDS[4])] == "keys in another order"
    assert str(IDS[5]) not in names
    assert names[str(IDS[3])] == "renamed later"


def test_an_empty_name_removes_it(tmp_path: Path) -> None:
    set_name(tmp_path, IDS[0], "a name")
    with names_path(tmp_path).open("a") as file:
        file.write('{"thread_id": "' + str(IDS[0]) + '", "name": "", "at": "2026"}\n')
    assert read_names(tmp_path) == {} == _careful(tmp_path)
