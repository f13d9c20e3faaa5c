"""The shadow repository with the real git binary: what it records, skips and never touches."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core.snapshots.shadow_repo import ShadowRepo
from core.snapshots.store import shadow_repo_for

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="needs git")


def paths_in(repo: ShadowRepo, tree: str) -> list[str]:
    return repo.git.run("ls-tree", "-r", "--name-only", "-z", tree).decode().split("\0")[:-1]


def test_a_folder_is_snapshotted_with_its_ignore_rules(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "src").mkdir(parents=True)
    (work / "src" / "a.py").write_text("print(1)\n")
    (work / ".gitignore").write_text("build/\n*.tmp\n")
    (work / "build").mkdir()
    (work / "build" / "out.bin").write_text("x")
    (work / "scratch.tmp").write_text("x")
    (work / "big.dat").write_bytes(b"0" * 2_000)
    (work / "nested").mkdir()
    subprocess.run(["git", "init", "-q", str(work / "nested")], check=True)
    (work / "nested" / "inner.txt").write_text("theirs")
    (work / ".git" / "info").mkdir(parents=True)
    (work / ".git" / "info" / "exclude").write_text("local-notes.md\n")
    (work / "local-notes.md").write_text("x")
    repo = shadow_repo_for(tmp_path / "home", work)

    tree = repo.snapshot(max_file_bytes=1_000)
    assert paths_in(repo, tree) == [".gitignore", "src/a.py"]
    assert repo.snapshot(max_file_bytes=1_000) == tree

    (work / "big.dat").write_bytes(b"1")
    smaller = repo.snapshot(max_file_bytes=1_000)
    assert [c.path for c in repo.changes(tree, smaller)] == ["big.dat"]
    (work / "big.dat").write_bytes(b"2" * 2_000)
    assert repo.snapshot(max_file_bytes=1_000) == tree  # grown too large: left out again


def test_the_users_repository_config_and_hooks_are_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "hook.sh"
    script.write_text(f"#!/bin/sh\necho $0 >> {marker}\n")
    script.chmod(0o755)
    fake_home = tmp_path / "user-home"
    fake_home.mkdir()
    (fake_home / ".gitconfig").write_text(
        f"[core]\n\tfsmonitor = {script}\n\thooksPath = {tmp_path}\n"
        "\texcludesFile = /nonexistent\n[alias]\n\twrite-tree = !sh -c 'exit 7'\n"
    )
    monkeypatch.setenv("HOME", str(fake_home))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run(["git", "init", "-q", str(work)], check=True, env={"PATH": os.environ["PATH"]})
    (work / ".git" / "hooks" / "post-index-change").symlink_to(script)
    (work / "f.txt").write_text("x")
    before = sorted(str(p) for p in (work / ".git").rglob("*"))

    repo = shadow_repo_for(tmp_path / "home", work)
    tree = repo.snapshot()
    (work / "f.txt").write_text("y")
    repo.restore(tree, repo.changes(tree, repo.snapshot()))

    assert (work / "f.txt").read_text() == "x"
    assert not marker.exists()
    assert sorted(str(p) for p in (work / ".git").rglob("*")) == before


def test_lha_home_inside_the_workspace_is_never_snapshotted(tmp_path: Path) -> None:
    home = tmp_path / ".lha"
    (tmp_path / "a.txt").write_text("a")
    repo = shadow_repo_for(home, tmp_path)
    tree = repo.snapshot()
    assert paths_in(repo, tree) == ["a.txt"]
    modes = {oct(p.stat().st_mode & 0o077) for p in (home / "snapshots").rglob("*")}
    assert modes == {"0o0"}  # nothing readable by group or others


def test_restore_swaps_files_and_folders_back(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "was_dir").mkdir(parents=True)
    (work / "was_dir" / "f.txt").write_text("in a folder")
    (work / "was_file").write_text("a file")
    repo = shadow_repo_for(tmp_path / "home", work)
    tree = repo.snapshot()
    shutil.rmtree(work / "was_dir")
    (work / "was_dir").write_text("now a file")
    (work / "was_file").unlink()
    (work / "was_file").mkdir()
    (work / "was_file" / "g.txt").write_text("now in a folder")

    assert repo.restore(tree, repo.changes(tree, repo.snapshot())) == []
    assert (work / "was_dir" / "f.txt").read_text() == "in a folder"
    assert (work / "was_file").read_text() == "a file"
    assert repo.snapshot() == tree


def test_an_unchanged_folder_reuses_its_last_tree_until_the_index_changes(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text("a")
    repo = shadow_repo_for(tmp_path / "home", work)
    tree = repo.snapshot()
    assert repo.snapshot() == tree
    (repo.home / "tree").write_text("0" * 40 + " stale")  # a torn or stale shortcut is ignored
    assert repo.snapshot() == tree
    (work / "a.txt").write_text("b")
    assert repo.snapshot() != tree
