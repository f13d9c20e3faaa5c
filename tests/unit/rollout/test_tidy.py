"""``core.rollout.tidy`` on real files: what it refuses leaves every file as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.errors import InvalidRequest
from core.rollout.paths import archived_root, parse_rollout_file_name, sessions_root
from core.rollout.tidy import archive_rollout, delete_rollout, is_archived, unarchive_rollout
from core.snapshots.store import load_thread_snapshots, new_thread_snapshots, save_thread_snapshots
from tests.support.rollout_factory import write_rollout


def test_archive_then_unarchive_keeps_the_relative_path(tmp_path: Path) -> None:
    path = write_rollout(tmp_path, tmp_path, 1)
    archived = archive_rollout(tmp_path, path)
    assert archived == archived_root(tmp_path) / path.relative_to(sessions_root(tmp_path))
    assert is_archived(tmp_path, archived) and not is_archived(tmp_path, path)
    assert unarchive_rollout(tmp_path, archived) == path and path.exists()


def test_an_occupied_destination_is_refused_and_nothing_moves(tmp_path: Path) -> None:
    path = write_rollout(tmp_path, tmp_path, 1)
    squatter = archived_root(tmp_path) / path.relative_to(sessions_root(tmp_path))
    squatter.parent.mkdir(parents=True)
    squatter.write_text("someone else's\n")
    with pytest.raises(InvalidRequest, match="already exists"):
        archive_rollout(tmp_path, path)
    assert path.exists() and squatter.read_text() == "someone else's\n"


def test_a_fifo_named_like_a_rollout_is_refused_without_blocking(tmp_path: Path) -> None:
    path = write_rollout(tmp_path, tmp_path, 1)
    fifo = path.with_name(path.name.replace("rollout-2", "rollout-1", 1))
    os.mkfifo(fifo)
    with pytest.raises(InvalidRequest, match="cannot delete"):
        delete_rollout(tmp_path, fifo)
    assert fifo.exists()


def test_delete_takes_the_snapshot_list_with_it(tmp_path: Path) -> None:
    path = write_rollout(tmp_path, tmp_path, 1)
    parsed = parse_rollout_file_name(path.name)
    assert parsed is not None
    thread_id = str(parsed.thread_id)
    save_thread_snapshots(tmp_path, new_thread_snapshots(thread_id))
    assert load_thread_snapshots(tmp_path, thread_id) is not None
    delete_rollout(tmp_path, path)
    assert not path.exists() and load_thread_snapshots(tmp_path, thread_id) is None
