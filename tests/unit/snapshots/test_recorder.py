"""A thread's snapshots across turns, processes and folders too large to copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.snapshots import shadow_repo
from core.snapshots.recorder import FileSnapshots, snapshot_roots
from core.snapshots.store import load_thread_snapshots, shadow_repo_for

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="needs git")
THREAD = "01900000-0000-7000-8000-000000000001"


def test_a_turn_left_without_after_is_finished_by_the_next_process(tmp_path: Path) -> None:
    assert GIT is not None
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    FileSnapshots(home, THREAD, GIT).before_turn(0, [work])  # then the process died
    (work / "f.txt").write_text("made by turn 0")
    FileSnapshots(home, THREAD, GIT).before_turn(0, [work])
    snapshots = load_thread_snapshots(home, THREAD)
    assert snapshots is not None
    first, second = snapshots.turns
    assert (first.turn, second.turn) == (0, 1)  # numbers never repeat
    assert first.has_changes and second.folders[0].before == first.folders[0].after


def test_a_folder_too_large_is_left_out_with_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert GIT is not None
    monkeypatch.setattr(shadow_repo, "MAX_NEW_FILES", 30)
    home, work, small = tmp_path / "home", tmp_path / "work", tmp_path / "small"
    for index in range(40):
        (work / str(index % 2)).mkdir(parents=True, exist_ok=True)
        (work / str(index % 2) / f"{index}.txt").write_text("x")
    small.mkdir()
    files = FileSnapshots(home, THREAD, GIT)
    [problem] = files.before_turn(0, [work, small])
    assert problem.startswith(f"{work} is too large to snapshot (40 files")
    files.after_turn()
    assert files.before_turn(1, [work, small]) == []
    snapshots = load_thread_snapshots(home, THREAD)
    assert snapshots is not None
    assert [[f.root for f in t.folders] for t in snapshots.turns] == [[str(small)], [str(small)]]


def test_roots_are_existing_folders_never_nested_nor_the_home_folder(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    roots = snapshot_roots(tmp_path / "a" / "b", [tmp_path / "a", tmp_path / "gone", Path.home()])
    assert roots == [(tmp_path / "a").resolve()]


def test_lha_home_itself_is_never_a_snapshot_root(tmp_path: Path) -> None:
    assert GIT is not None
    home = tmp_path / "home"
    (home / "sessions").mkdir(parents=True)
    FileSnapshots(home, THREAD, GIT).before_turn(0, [home.resolve()])
    snapshots = load_thread_snapshots(home, THREAD)
    assert snapshots is not None and snapshots.turns[0].folders == []


def test_a_turn_that_ran_no_tool_keeps_its_before_as_after_and_the_user_edit_for_the_next(
    tmp_path: Path,
) -> None:
    """A chat-only turn changed nothing: its "after" is its "before" (no look at the folder),
    so an edit the user made meanwhile is not shown as the turn's change; the next turn's
    "before" has it. A turn that ran tools still looks at the folder."""
    assert GIT is not None
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    files = FileSnapshots(home, THREAD, GIT)
    files.before_turn(0, [work])
    (work / "notes.txt").write_text("typed by the user while the model answered")
    files.after_turn(tools_ran=False)
    files.before_turn(1, [work])
    (work / "made.txt").write_text("written by a tool")
    files.after_turn(tools_ran=True)
    snapshots = load_thread_snapshots(home, THREAD)
    assert snapshots is not None
    chat, tools = snapshots.turns
    assert chat.folders[0].after == chat.folders[0].before and not chat.has_changes
    assert tools.folders[0].before != chat.folders[0].after, "the user's edit is in turn 1's before"
    assert tools.has_changes
    repo = shadow_repo_for(home, work.resolve(), GIT)
    assert [c.path for c in repo.changes(tools.folders[0].before, tools.folders[0].after)] == [
        "made.txt"
    ]


def test_a_chat_only_turn_ends_without_git_and_its_tree_is_kept_by_a_ref(tmp_path: Path) -> None:
    """The "before" is kept by a ref when it is taken (in the background of the turn), so the
    end of a turn that ran no tool runs no git at all, and its tree still survives a gc."""
    assert GIT is not None
    home, work, log = tmp_path / "home", tmp_path / "work", tmp_path / "git-calls"
    work.mkdir()
    (work / "a.txt").write_text("a")
    logging_git = tmp_path / "git"
    logging_git.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{GIT}" "$@"\n')
    logging_git.chmod(0o755)
    files = FileSnapshots(home, THREAD, str(logging_git))
    files.before_turn(0, [work])
    calls_before = log.read_text()
    assert "update-ref" in calls_before
    files.after_turn(tools_ran=False)
    assert log.read_text() == calls_before, "no git call at the end of a chat-only turn"
    snapshots = load_thread_snapshots(home, THREAD)
    assert snapshots is not None
    [folder] = snapshots.turns[0].folders
    repo = shadow_repo_for(home, work.resolve(), GIT)
    repo.git.run("gc", "--prune=now", "--quiet")
    assert folder.after == folder.before and repo.has_tree(folder.before)
