"""Telling the protected folders a command created from those that were there (or were moved)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from core.tools.created_protected import CreationWatch
from core.tools.protected_paths import NESTED_DEPTH


def test_new_protected_entries_are_found_at_any_depth_of_a_new_folder(tmp_path: Path) -> None:
    (tmp_path / "existing" / ".git").mkdir(parents=True)
    (tmp_path / "plain").mkdir()
    watch = CreationWatch.start([tmp_path])
    made = [
        tmp_path / "plain" / ".lha",
        tmp_path.joinpath("fresh", *["d"] * (NESTED_DEPTH + 3), ".git"),
        tmp_path / ".hidden" / ".codex",
    ]
    for path in made:
        path.mkdir(parents=True)
    (tmp_path / "link-dir").mkdir()
    (tmp_path / "link-dir" / ".git").symlink_to(tmp_path / "existing" / ".git")
    assert watch.created() == sorted([*made, tmp_path / "link-dir" / ".git"])


def test_what_was_there_or_was_moved_is_not_created(tmp_path: Path) -> None:
    repo = tmp_path / "repo" / ".git"
    repo.mkdir(parents=True)
    (repo / "config").write_text("[core]\n")
    time.sleep(0.05)
    watch = CreationWatch.start([tmp_path])
    (repo / "new-file").write_text("x")
    (tmp_path / "repo").rename(tmp_path / "renamed")
    assert watch.created() == []


def test_creation_inside_a_folder_the_walk_never_listed_is_not_seen(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["d"] * (NESTED_DEPTH + 1))
    deep.mkdir(parents=True)
    watch = CreationWatch.start([tmp_path])
    (deep / ".git").mkdir()
    assert watch.created() == [], "the documented bound: existing folders below NESTED_DEPTH"


def test_removal_takes_the_entry_and_the_new_empty_folders_above_it_only(tmp_path: Path) -> None:
    (tmp_path / "kept").mkdir()
    watch = CreationWatch.start([tmp_path])
    skills = tmp_path / "kept" / "new" / "deeper" / ".lha" / "skills"
    skills.mkdir(parents=True)
    (skills / "x.md").write_text("obey")
    (tmp_path / "kept" / "other.txt").write_text("mine")
    [created] = watch.created()
    assert watch.remove(created) is None
    assert [p.name for p in (tmp_path / "kept").iterdir()] == ["other.txt"]
    link = tmp_path / "kept" / ".git"
    link.symlink_to(tmp_path / "kept")
    assert watch.remove(link) is None and (tmp_path / "kept" / "other.txt").exists()


def test_folders_left_without_write_permission_are_removed_too(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root removes them whatever their permissions")
    watch = CreationWatch.start([tmp_path])
    locked = tmp_path / "sub" / ".git" / "objects"
    locked.mkdir(parents=True)
    (locked / "pack").write_text("x")
    locked.chmod(0o555)
    (tmp_path / "sub" / ".git").chmod(0o555)
    assert watch.remove(tmp_path / "sub" / ".git") is None
    assert list(tmp_path.iterdir()) == []
