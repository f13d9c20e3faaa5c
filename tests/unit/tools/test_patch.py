"""apply_patch: parsing, hunk matching, atomic commit and workspace confinement."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.tools.patch_apply import commit, plan_patch
from core.tools.patch_parser import AddFile, DeleteFile, PatchError, UpdateFile, parse_patch


def apply(text: str, workspace: Path) -> list[str]:
    plan = plan_patch(parse_patch(text), workspace)
    commit(plan)
    return plan.summary


def test_parse_all_operations() -> None:
    ops = parse_patch(
        "*** Begin Patch\n"
        "*** Add File: new.txt\n+one\n+two\n"
        "*** Update File: a.py\n*** Move to: b.py\n@@ def f():\n-    return 1\n+    return 2\n"
        "*** Delete File: old.txt\n"
        "*** End Patch\n"
    )
    assert ops[0] == AddFile(path="new.txt", content="one\ntwo\n")
    update = ops[1]
    assert isinstance(update, UpdateFile) and update.move_to == "b.py"
    assert update.hunks[0].anchor == "def f():"
    assert update.hunks[0].old == ["    return 1"] and update.hunks[0].new == ["    return 2"]
    assert ops[2] == DeleteFile(path="old.txt")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "must start with `*** Begin Patch`"),
        ("*** Begin Patch\n*** Add File: a\n+x\n", "must end with `*** End Patch`"),
        ("*** Begin Patch\n*** End Patch", "changes no file"),
        ("*** Begin Patch\n*** Add File: a\nx\n*** End Patch", "patch line 3"),
        ("*** Begin Patch\n*** Frobnicate: a\n*** End Patch", "patch line 2"),
        ("*** Begin Patch\n*** Update File: a\n*** End Patch", "has no hunk"),
    ],
)
def test_parse_errors_are_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(PatchError) as err:
        parse_patch(text)
    assert message in str(err.value)


def test_add_update_move_delete(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():\n    x = 1\n    return x\n\ndef g():\n    return 0\n")
    (tmp_path / "old.txt").write_text("bye\n")
    summary = apply(
        "*** Begin Patch\n"
        "*** Add File: pkg/new.txt\n+hello\n"
        "*** Update File: a.py\n*** Move to: b.py\n"
        "@@ def f():\n     x = 1\n-    return x\n+    return x + 1\n"
        "@@ def g():\n-    return 0\n+    return 42\n"
        "*** Delete File: old.txt\n"
        "*** End Patch",
        tmp_path,
    )
    assert summary == ["A pkg/new.txt", "M a.py -> b.py", "D old.txt"]
    assert (tmp_path / "pkg/new.txt").read_text() == "hello\n"
    assert not (tmp_path / "a.py").exists() and not (tmp_path / "old.txt").exists()
    assert (tmp_path / "b.py").read_text() == (
        "def f():\n    x = 1\n    return x + 1\n\ndef g():\n    return 42\n"
    )


def test_whitespace_tolerant_context_and_end_of_file(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("a\nb   \nc\nb\n")
    apply("*** Begin Patch\n*** Update File: t.txt\n@@\n a\n-b\n+B\n*** End Patch", tmp_path)
    assert (tmp_path / "t.txt").read_text() == "a\nB\nc\nb\n"
    apply(
        "*** Begin Patch\n*** Update File: t.txt\n@@\n-b\n+END\n*** End of File\n*** End Patch",
        tmp_path,
    )
    assert (tmp_path / "t.txt").read_text() == "a\nB\nc\nEND\n"


def test_failing_hunks_are_reported_and_no_file_changes(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("keep\nme\n")
    (tmp_path / "two.txt").write_text("x\ny\nz\n")
    patch = (
        "*** Begin Patch\n"
        "*** Update File: one.txt\n@@\n-keep\n+changed\n"
        "*** Add File: three.txt\n+new\n"
        "*** Update File: two.txt\n@@\n x\n-y\n+Y\n@@\n-not there\n-nor this\n+q\n"
        "*** End Patch"
    )
    with pytest.raises(PatchError) as err:
        apply(patch, tmp_path)
    message = str(err.value)
    assert "no file was changed" in message
    assert "hunk 2 of two.txt" in message and "|not there" in message and "|nor this" in message
    assert "hunk 1 of two.txt" not in message and "one.txt" not in message
    assert (tmp_path / "one.txt").read_text() == "keep\nme\n"
    assert (tmp_path / "two.txt").read_text() == "x\ny\nz\n"
    assert not (tmp_path / "three.txt").exists()


def test_a_write_failing_half_way_rolls_back(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old\n")
    (tmp_path / "blocker").write_text("a file where a folder is needed")
    patch = (
        "*** Begin Patch\n"
        "*** Update File: a.txt\n@@\n-old\n+new\n"
        "*** Add File: fresh/dir/x.txt\n+x\n"
        "*** Add File: blocker/inner.txt\n+boom\n"
        "*** End Patch"
    )
    with pytest.raises(PatchError, match="no file was changed"):
        apply(patch, tmp_path)
    assert (tmp_path / "a.txt").read_text() == "old\n"
    assert not (tmp_path / "fresh").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "blocker"]


@pytest.mark.parametrize("path", ["../escape.txt", "/etc/passwd-lha", "sub/../../x", "link/x"])
def test_paths_outside_the_workspace_are_refused(tmp_path: Path, path: str) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "sub").mkdir()
    (workspace / "link").symlink_to(tmp_path)
    with pytest.raises(PatchError, match="outside the workspace"):
        apply(f"*** Begin Patch\n*** Add File: {path}\n+x\n*** End Patch", workspace)
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "x").exists()


def test_absolute_path_inside_the_workspace_is_fine(tmp_path: Path) -> None:
    target = tmp_path / "in.txt"
    assert apply(f"*** Begin Patch\n*** Add File: {target}\n+x\n*** End Patch", tmp_path) == [
        "A in.txt"
    ]


def test_update_or_delete_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PatchError) as err:
        apply(
            "*** Begin Patch\n*** Update File: nope.txt\n@@\n-a\n+b\n"
            "*** Delete File: gone.txt\n*** End Patch",
            tmp_path,
        )
    assert "cannot update nope.txt: no such file" in str(err.value)
    assert "cannot delete gone.txt: no such file" in str(err.value)
