"""Rollout file names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from core.protocol import ThreadId
from core.rollout.paths import (
    parse_rollout_file_name,
    rollout_file_name,
    rollout_path_for,
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
