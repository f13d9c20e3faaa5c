"""core.fs: the one atomic private write and the one private append for files in LHA_HOME."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.fs import append_private_file, ensure_private_dir, write_private_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("loose_umask")
def test_private_modes_at_creation(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c"
    assert ensure_private_dir(target) == target
    ensure_private_dir(target)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", target):
        assert _mode(folder) == 0o700
    file = target / "d" / "f.json"
    write_private_file(file, b"{}")
    assert _mode(file) == 0o600
    assert _mode(file.parent) == 0o700
    assert file.read_bytes() == b"{}"


def test_a_file_in_the_way_of_a_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("x")
    with pytest.raises(FileExistsError):
        ensure_private_dir(tmp_path / "a")


def test_the_write_replaces_the_file_instead_of_truncating_it(tmp_path: Path) -> None:
    """A reader holding the old file (here a hard link) never sees it emptied or half written."""
    path = tmp_path / "config.toml"
    path.write_text("old = 1\n")
    os.link(path, tmp_path / "reader")
    write_private_file(path, "new = 2\n")
    assert path.read_text() == "new = 2\n"
    assert (tmp_path / "reader").read_text() == "old = 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "reader"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    write_private_file(path, "{}", sync=False)
    with pytest.raises(TypeError):
        write_private_file(path, 42)  # type: ignore[arg-type]
    assert path.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["auth.json"]


@pytest.mark.usefixtures("loose_umask")
def test_the_append_creates_private_and_appends(tmp_path: Path) -> None:
    path = tmp_path / "home" / "history.jsonl"
    append_private_file(path, b"one\n")
    append_private_file(path, b"two\n")
    assert path.read_bytes() == b"one\ntwo\n"
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_nothing_else_creates_files_with_its_own_modes() -> None:
    """Files under LHA_HOME are created only through core.fs; core/tools writes the user's
    workspace, where the user's own modes apply."""
    pattern = re.compile(r"O_CREAT\b.*,|0o[67]00|mkstemp|\.mkdir\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("core", "tui")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "core" / "fs.py" and "core/tools" not in path.as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
