"""Which paths count as protected, and how far the walk for nested ones goes."""

from __future__ import annotations

from pathlib import Path

from core.tools.protected_paths import NESTED_DEPTH, nested_protected, protected_folder
from core.tools.seccomp_filter import no_unix_sockets_filter


def test_a_path_in_a_protected_folder_of_any_root_is_protected(tmp_path: Path) -> None:
    ws, extra = tmp_path / "ws", tmp_path / "extra"
    ws.mkdir()
    extra.mkdir()
    roots = [ws, extra]
    assert protected_folder(ws / ".git" / "config", roots) == ws / ".git"
    assert protected_folder(ws / "sub" / ".lha" / "skills" / "x", roots) == ws / "sub" / ".lha"
    assert protected_folder(extra / ".codex" / "prompts", roots) == extra / ".codex"
    assert protected_folder(ws / "src" / "git.py", roots) is None
    assert protected_folder(ws / ".github" / "ci.yml", roots) is None
    assert protected_folder(tmp_path / ".git" / "config", roots) is None, "outside every root"


def test_a_symlink_into_a_protected_folder_is_protected(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "innocent").symlink_to(tmp_path / ".git")
    assert protected_folder(tmp_path / "innocent" / "config", [tmp_path]) == tmp_path / ".git"


def test_nested_walk_is_bounded_in_depth(tmp_path: Path) -> None:
    shallow = tmp_path / "a" / ".git"
    deepest = tmp_path.joinpath(*["d"] * NESTED_DEPTH, ".git")
    too_deep = tmp_path.joinpath(*["e"] * (NESTED_DEPTH + 1), ".git")
    skipped = tmp_path / "node_modules" / "pkg" / ".git"
    for folder in (tmp_path / ".git", shallow, deepest, too_deep, skipped):
        folder.mkdir(parents=True)
    assert sorted(nested_protected(tmp_path)) == sorted([shallow, deepest])


def test_hidden_and_dependency_folders_are_listed_but_not_walked_into(tmp_path: Path) -> None:
    seen = [tmp_path / "node_modules" / ".git", tmp_path / ".github" / ".lha"]
    unseen = [tmp_path / "node_modules" / "pkg" / ".git", tmp_path / ".venv" / "src" / ".git"]
    for folder in (*seen, *unseen):
        folder.mkdir(parents=True)
    assert sorted(nested_protected(tmp_path)) == sorted(seen)


def test_the_seccomp_program_is_whole_instructions_for_known_machines() -> None:
    for machine in ("x86_64", "aarch64"):
        program = no_unix_sockets_filter(machine)
        assert program is not None and len(program) % 8 == 0 and len(program) // 8 < 64
    assert no_unix_sockets_filter("sparc64") is None
