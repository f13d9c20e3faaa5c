"""``lha diff``, ``lha undo`` and ``--restore-files`` as a user runs them: real ``lha``
processes, a scripted model whose shell calls edit a real folder, the real git binary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_cli_exec import lha
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import shell


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=folder, capture_output=True, text=True, check=True
    ).stdout


def user_repo_state(folder: Path) -> tuple[str, ...]:
    """Everything lha must never change in the user's repository."""
    git_dir = folder / ".git"
    refs = sorted(str(p.relative_to(git_dir)) for p in (git_dir / "refs").rglob("*"))
    return (
        git(folder, "rev-parse", "HEAD"),
        git(folder, "stash", "list"),
        (git_dir / "index").read_bytes().hex(),
        git(folder, "config", "--list", "--local"),
        "\n".join(refs),
        git(folder, "status", "--porcelain", "--ignored"),
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The user's repository: one commit, a .gitignore for logs."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "keep.txt").write_text("original\n")
    (folder / "gone.txt").write_text("deleted by the turn\n")
    (folder / ".gitignore").write_text("*.log\n")
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "-c", "user.name=u", "-c", "user.email=u@x", "commit", "-qm", "start")
    return folder


def run_turn(home: Path, work: Path, server: ScriptedServer, script: str, *args: str) -> str:
    """One ``lha exec`` turn whose model runs ``script`` in the workspace; the thread id."""
    server.enqueue(Reply.tool_calls([shell("c1", script)]), Reply.text("done"))
    result = lha(home, "exec", "--json", "-C", str(work), *args, "please edit")
    assert result.returncode == 0, result.stderr
    return str(json.loads(result.stdout.splitlines()[0])["msg"]["thread_id"])


EDIT = "echo edited > keep.txt; rm gone.txt; echo new > added.txt; echo noise > run.log"


def test_diff_then_undo_restores_the_turn_and_leaves_the_user_repo_alone(
    home: Path, work: Path, scripted_server_thread: ScriptedServer
) -> None:
    before = user_repo_state(work)
    thread_id = run_turn(home, work, scripted_server_thread, EDIT)

    diff = lha(home, "diff", "--last")
    assert diff.returncode == 0, diff.stderr
    assert "-original\n+edited" in diff.stdout
    assert "+++ b/added.txt" in diff.stdout and "--- a/gone.txt" in diff.stdout
    assert "run.log" not in diff.stdout  # .gitignore honoured
    assert "\x1b[" not in diff.stdout  # no colours in a pipe

    refused = lha(home, "undo", thread_id)
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        "lha: undo turn 0 needs a confirmation; run it in a terminal or add --yes"
    )
    assert (work / "keep.txt").read_text() == "edited\n"

    undone = lha(home, "undo", "--last", "--yes")
    assert undone.returncode == 0, undone.stderr
    assert str(work / "added.txt") in undone.stderr  # the files are listed first
    assert (work / "keep.txt").read_text() == "original\n"
    assert (work / "gone.txt").read_text() == "deleted by the turn\n"
    assert not (work / "added.txt").exists()
    assert (work / "run.log").read_text() == "noise\n"  # never snapshotted, never touched
    (work / "run.log").unlink()
    assert user_repo_state(work) == before

    again = lha(home, "undo", "--last", "--yes")
    assert again.returncode == 2
    assert "nothing to undo" in again.stderr and len(again.stderr.splitlines()) == 1


def test_each_undo_goes_one_turn_further_back(
    home: Path, work: Path, scripted_server_thread: ScriptedServer
) -> None:
    thread_id = run_turn(home, work, scripted_server_thread, "echo one > keep.txt")
    run_turn(home, work, scripted_server_thread, "echo two > keep.txt", "resume", thread_id)
    run_turn(home, work, scripted_server_thread, "true", "resume", thread_id)

    diff_first = lha(home, "diff", thread_id, "--turn", "0")
    assert "-original\n+one" in diff_first.stdout
    whole = lha(home, "diff", thread_id, "--all")
    assert "-original\n+two" in whole.stdout

    assert lha(home, "undo", thread_id, "--yes").returncode == 0
    assert (work / "keep.txt").read_text() == "one\n"
    assert lha(home, "undo", thread_id, "--yes").returncode == 0
    assert (work / "keep.txt").read_text() == "original\n"


def test_undo_does_not_overwrite_the_users_edits_silently(
    home: Path, work: Path, scripted_server_thread: ScriptedServer
) -> None:
    thread_id = run_turn(home, work, scripted_server_thread, EDIT)
    (work / "keep.txt").write_text("the user's own edit\n")

    refused = lha(home, "undo", thread_id)
    assert refused.returncode == 2
    assert "keep.txt  (changed since" in refused.stderr
    assert refused.stderr.splitlines()[-1].startswith(
        "lha: undo turn 0 overwrites files changed since the turn"
    )
    assert (work / "keep.txt").read_text() == "the user's own edit\n"
    assert not (work / "gone.txt").exists()

    assert lha(home, "undo", thread_id, "--yes").returncode == 0
    assert (work / "keep.txt").read_text() == "original\n"


def test_undo_never_reaches_outside_the_workspace(
    home: Path, work: Path, tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    (work / "sub").mkdir()
    (work / "sub" / "f").write_text("before the turn\n")
    thread_id = run_turn(home, work, scripted_server_thread, "echo by the turn > sub/f")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f").write_text("not lha's\n")
    shutil.rmtree(work / "sub")
    (work / "sub").symlink_to(outside)

    result = lha(home, "undo", thread_id, "--yes")
    assert result.returncode == 0, result.stderr
    assert f"left {work / 'sub' / 'f'} alone: it leads outside its folder" in result.stderr
    assert (outside / "f").read_text() == "not lha's\n"
    assert (work / "sub").is_symlink()


def test_fork_with_restore_files_puts_the_files_back_before_message_n(
    home: Path, work: Path, scripted_server_thread: ScriptedServer
) -> None:
    thread_id = run_turn(home, work, scripted_server_thread, "echo first > keep.txt")
    run_turn(
        home, work, scripted_server_thread, "echo second > keep.txt; echo b > b.txt",
        "resume", thread_id,
    )  # fmt: skip

    missing = lha(home, "exec", "fork", thread_id, "--at", "7", "--restore-files", "x")
    assert missing.returncode == 2
    assert "no file snapshot from before message 7" in missing.stderr
    in_the_ui = lha(home, "fork", thread_id, "--at", "7", "--restore-files")
    assert in_the_ui.returncode == 2, "refused before the UI starts"
    assert in_the_ui.stderr == missing.stderr
    assert (work / "keep.txt").read_text() == "second\n"

    scripted_server_thread.enqueue(Reply.text("forked"))
    forked = lha(
        home, "exec", "-C", str(work), "fork", thread_id, "--at", "1", "--restore-files", "again"
    )
    assert forked.returncode == 0, forked.stderr
    assert forked.stdout.strip() == "forked"
    assert "restored 2 files as before message 1" in forked.stderr
    assert (work / "keep.txt").read_text() == "first\n"
    assert not (work / "b.txt").exists()

    scripted_server_thread.enqueue(Reply.text("forked again"))
    fork_id = json.loads(lha(home, "threads", "--json").stdout.splitlines()[0])["thread_id"]
    assert fork_id != thread_id
    again = lha(home, "exec", "fork", fork_id, "--at", "0", "--restore-files", "from the top")
    assert again.returncode == 0, again.stderr  # message 0 was sent in the parent thread
    assert (work / "keep.txt").read_text() == "original\n"


def test_undo_bad_inputs_say_one_line_and_touch_nothing(
    home: Path, work: Path, scripted_server_thread: ScriptedServer
) -> None:
    unknown = lha(home, "undo", "0198c0de-0000-7000-8000-000000000000", "--yes")
    assert unknown.returncode == 2
    assert unknown.stderr.count("\n") == 1 and "has no file snapshots" in unknown.stderr

    thread_id = run_turn(home, work, scripted_server_thread, EDIT)
    record = home / "snapshots" / "threads" / f"{thread_id}.json"
    good = record.read_text()

    record.write_text(good.replace(json.loads(good)["machine"], "another-machine"))
    other = lha(home, "undo", thread_id, "--yes")
    assert "taken on another machine" in other.stderr and other.stderr.count("\n") == 1

    record.write_text("{not json")
    damaged = lha(home, "undo", thread_id, "--yes")
    assert "is damaged" in damaged.stderr and damaged.stderr.count("\n") == 1
    record.write_text(good)

    objects = next((home / "snapshots" / "folders").iterdir()) / "git" / "objects"
    hidden = objects.with_name("objects.moved")
    objects.rename(hidden)
    broken = lha(home, "undo", thread_id, "--yes")
    assert broken.returncode == 2 and broken.stderr.count("\n") == 1, broken.stderr
    hidden.rename(objects)
    assert (work / "keep.txt").read_text() == "edited\n"

    shutil.rmtree(work)
    deleted = lha(home, "undo", thread_id, "--yes")
    assert deleted.stderr.strip() == f"lha: the folder {work} no longer exists; nothing was changed"

    work.mkdir()
    git(work, "init", "-q")
    other_repo = lha(home, "undo", thread_id, "--yes")
    assert "is not the folder the snapshots were taken in" in other_repo.stderr
    assert other_repo.stderr.count("\n") == 1
    assert sorted(p.name for p in work.iterdir()) == [".git"]


def test_undo_without_git_says_it_is_unavailable(
    home: Path, work: Path, tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    thread_id = run_turn(home, work, scripted_server_thread, EDIT)
    no_git = tmp_path / "bin-without-git"
    no_git.mkdir()
    env = {**os.environ, "LHA_HOME": str(home), "PATH": str(no_git)}
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "undo", thread_id, "--yes"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == "lha: file snapshots are unavailable: git is not installed\n"
    assert (work / "keep.txt").read_text() == "edited\n"


def run_in_terminal(home: Path, args: list[str], answer: str | None = None) -> tuple[int, str]:
    """Run ``lha ARGS`` on a pseudo-terminal, typing ``answer`` at its question; its exit code
    and everything it wrote."""
    import pty
    import select

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", *args],
        stdin=slave, stdout=slave, stderr=slave, close_fds=True,
        env={**os.environ, "LHA_HOME": str(home)},
    )  # fmt: skip
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        assert ready, seen
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the process ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if answer is not None and b"[y/N]" in seen:
            os.write(master, answer.encode() + b"\n")
            answer = None
    os.close(master)
    return proc.wait(timeout=30), seen.decode("utf-8", "replace")


def test_on_a_terminal_undo_asks_and_diff_is_coloured(
    home: Path, work: Path, scripted_server_thread: ScriptedServer
) -> None:
    thread_id = run_turn(home, work, scripted_server_thread, EDIT)

    code, shown = run_in_terminal(home, ["diff", thread_id])
    assert code == 0 and "\x1b[32m+edited\x1b[0m" in shown and "\x1b[31m-original" in shown

    code, shown = run_in_terminal(home, ["undo", thread_id], answer="n")
    assert code == 0 and "undo turn 0: 3 files. Go ahead? [y/N]" in shown
    assert "nothing was changed" in shown
    assert (work / "keep.txt").read_text() == "edited\n"

    code, shown = run_in_terminal(home, ["undo", thread_id], answer="y")
    assert code == 0 and "undid turn 0" in shown, shown
    assert (work / "keep.txt").read_text() == "original\n"
