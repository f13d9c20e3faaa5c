"""core.fs: the one way lha reads a file it did not write, and every reader that uses it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.agent.git_info import collect_git_info
from core.fs import UnreadableFileError, open_regular_file, read_regular_file, read_regular_text
from core.memories.context import read_memory_section
from core.memories.layout import memory_file
from core.rollout.head import read_head
from core.rollout.listing import list_threads_sync
from tests.support.rollout_factory import write_rollout
from tui.file_tail import tail_lines
from tui.input_history import history_path, load_recent
from tui.ui_settings import read_ui_settings


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    assert read_regular_file(path, max_bytes=3) == b"abc"
    assert read_regular_text(path, max_bytes=10) == "abc"
    with open_regular_file(path) as file:
        assert file.read() == b"abc"


def test_a_symlink_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_regular_file(tmp_path / "link", max_bytes=10) == b"x"


def test_missing_stays_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_regular_file(tmp_path / "nope", max_bytes=10)


def test_larger_than_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 11)
    with pytest.raises(UnreadableFileError, match="larger than 10 bytes, too large"):
        read_regular_file(path, max_bytes=10)


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "sparse"
    with path.open("wb") as file:
        file.truncate(1 << 40)  # a terabyte of nothing, costing no disk
    with pytest.raises(UnreadableFileError, match="larger than 1 MiB"):
        read_regular_file(path, max_bytes=1 << 20)


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bin"
    path.write_bytes(b"\xff")
    with pytest.raises(UnreadableFileError, match="not UTF-8"):
        read_regular_text(path, max_bytes=10)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("fifo", "is a FIFO (named pipe), not a regular file"),
        ("dev-zero", "is a device, not a regular file"),
        ("folder", "is a folder, not a file"),
        ("long-name", "the file name is too long"),
        ("under-a-file", "a part of the path is not a folder"),
    ],
)
def test_what_is_not_a_regular_file_is_refused_at_once(
    tmp_path: Path, kind: str, reason: str
) -> None:
    path = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "long-name":
        path = tmp_path / ("a" * 5000)
    else:
        path.write_text("x")
        path = path / "inside"
    with pytest.raises(UnreadableFileError) as info:
        read_regular_file(path, max_bytes=1 << 30)
    assert info.value.reason == reason
    assert str(info.value) == f"{path}: {reason}"
    assert isinstance(info.value, OSError)


def test_readers_skip_fifos_instead_of_hanging(tmp_path: Path) -> None:
    """Each of these blocked forever on a FIFO: the tail preview, the input history, the
    quick config read of the first frame, MEMORY.md, and a rollout's head."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert tail_lines(fifo, 1024) == []
    assert read_head(fifo) is None
    os.mkfifo(history_path(tmp_path))
    assert load_recent(tmp_path) == []
    os.mkfifo(tmp_path / "config.toml")
    assert read_ui_settings(tmp_path, tmp_path).theme is None
    memory_file(tmp_path).parent.mkdir(parents=True)
    os.mkfifo(memory_file(tmp_path))
    assert read_memory_section(tmp_path) is None


def test_listing_keeps_going_past_a_rollout_linked_to_dev_zero(tmp_path: Path) -> None:
    good = write_rollout(tmp_path, tmp_path, 1)
    bad = good.with_name(good.name.replace(good.name[-12:-6], "000000"))
    bad.symlink_to("/dev/zero")
    page = list_threads_sync(tmp_path, 10)
    assert [item.path for item in page.items] == [good]


def test_git_facts_skip_fifos_in_dot_git(tmp_path: Path) -> None:
    """The session's git facts are read from .git at every spawn: a FIFO there blocked it."""
    git = tmp_path / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    os.mkfifo(git / "config")
    info = collect_git_info(tmp_path)
    assert info is not None and info.branch == "main" and info.repository_url is None
    (git / "HEAD").unlink()
    os.mkfifo(git / "HEAD")
    assert collect_git_info(tmp_path) is None
