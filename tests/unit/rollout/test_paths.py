"""Rollout file names and private folders."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from core.protocol import ThreadId
from core.rollout.paths import (
    ensure_private_dir,
    parse_rollout_file_name,
    rollout_file_name,
    rollout_path_for,
    write_private_file,
)


def test_name_uses_local_time_and_parses_back(tmp_path: Path) -> None:
    thread_id = ThreadId.new()
    created = datetime(2026, 11, 25, 13, 5, 9).astimezone()
    path = rollout_path_for(tmp_path, thread_id, created)
    assert path == (
        tmp_path
        / "sessions"
        / "2026"
        / "11"
        / "25"
        / f"rollout-2026-11-25T13-05-09-{thread_id}.jsonl"
    )
    parsed = parse_rollout_file_name(path.name)
    assert parsed is not None
    assert parsed.stamp == "2026-11-25T13-05-09"
    assert parsed.thread_id == thread_id
    assert parsed.created_at == created
    assert rollout_file_name(thread_id, created) == path.name


@pytest.mark.parametrize(
    "name",
    [
        "rollout-2026-11-25T13-05-09.jsonl",
        "rollout-2026-11-25T13-05-09-not-a-uuid.jsonl",
        f"rollout-2026-13-25T13-05-09-{ThreadId.new()}.jsonl",
        f"rollout-2026-11-25T25-05-09-{ThreadId.new()}.jsonl",
        f"rollout-2026-11-25T13-05-09-{ThreadId.new()}.json",
        f"session-2026-11-25T13-05-09-{ThreadId.new()}.jsonl",
    ],
)
def test_other_names_are_rejected(name: str) -> None:
    assert parse_rollout_file_name(name) is None


def test_private_modes_at_creation(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "a" / "b" / "c"
        ensure_private_dir(target)
        ensure_private_dir(target)
        for folder in (tmp_path / "a", tmp_path / "a" / "b", target):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        file = target / "d" / "f.json"
        write_private_file(file, b"{}")
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert file.read_bytes() == b"{}"
    finally:
        os.umask(old)
