"""``lha archive``, ``unarchive``, ``delete`` and ``threads --archived/--cwd`` as a user runs
them: real ``lha`` processes, sessions recorded by ``lha exec`` against the scripted server."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.integration.test_cli_exec import lha
from tests.integration.test_cli_single_writer import _start_lha, _wait_for_model_requests
from tests.support.scripted_server import Reply, ScriptedServer


def new_session(home: Path, server: ScriptedServer, prompt: str, *extra: str) -> tuple[str, Path]:
    server.enqueue(Reply.text("ok"))
    result = lha(home, "exec", "--json", *extra, prompt)
    assert result.returncode == 0, result.stderr
    msg = json.loads(result.stdout.splitlines()[0])["msg"]
    return msg["thread_id"], Path(msg["rollout_path"])


def listed(home: Path, *args: str) -> list[str]:
    result = lha(home, "threads", "--json", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["thread_id"] for line in result.stdout.splitlines()]


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def test_archive_moves_the_file_by_rename_and_hides_it_until_unarchived(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    kept, _ = new_session(home, scripted_server_thread, "stays listed")
    thread_id, path = new_session(home, scripted_server_thread, "to the archive")
    before = os.stat(path)
    content = path.read_bytes()

    assert lha(home, "archive", thread_id[:13]).returncode == 0
    relative = path.relative_to(home / "sessions")
    archived = home / "archived_sessions" / relative
    after = os.stat(archived)
    # One rename: the same file (inode), never a second name for it, never a copy.
    assert (after.st_ino, after.st_dev, after.st_nlink) == (before.st_ino, before.st_dev, 1)
    assert not path.exists() and archived.read_bytes() == content
    assert os.stat(home / "archived_sessions").st_mode & 0o777 == 0o700

    assert listed(home) == [kept]
    assert listed(home, "--archived") == [thread_id]
    hidden = one_line_error(lha(home, "exec", "resume", thread_id, "x"))
    assert f"is archived; `lha unarchive {thread_id}` brings it back" in hidden
    assert "is archived" in one_line_error(lha(home, "archive", thread_id))

    assert lha(home, "unarchive", thread_id).returncode == 0
    assert path.read_bytes() == content and os.stat(path).st_ino == before.st_ino
    assert not archived.exists()
    assert sorted(listed(home)) == sorted([kept, thread_id])
    assert "not archived" in one_line_error(lha(home, "unarchive", thread_id))


def test_a_session_open_in_another_lha_is_neither_archived_nor_deleted(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    thread_id, path = new_session(home, scripted_server_thread, "held")
    scripted_server_thread.enqueue(Reply.text("slow", stall_after=0, stall_s=60))
    holder = _start_lha(home, "exec", "resume", thread_id, "still running")
    try:
        _wait_for_model_requests(scripted_server_thread, 2)
        for args in (("archive", thread_id), ("delete", "--yes", thread_id)):
            line = one_line_error(lha(home, *args))
            assert f"pid {holder.pid}" in line and "close it there first" in line
        assert path.exists() and not (home / "archived_sessions").exists()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=30)
    assert lha(home, "archive", thread_id).returncode == 0, "free once the holder is gone"


def test_delete_refuses_without_a_terminal_and_removes_the_session_and_its_snapshots(
    home: Path, scripted_server_thread: ScriptedServer, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    thread_id, path = new_session(home, scripted_server_thread, "doomed", "-C", str(work))
    record = home / "snapshots" / "threads" / f"{thread_id}.json"
    assert record.exists(), "the turn left a snapshot list"

    refused = one_line_error(lha(home, "delete", thread_id))
    assert "add --yes" in refused and path.exists()

    # lha exec leaves a session it made to the next search's refresh (core/index/live.py)
    assert lha(home, "search", "doomed", "--all").returncode == 0
    assert _index_rows(home, thread_id) > 0, "the search indexed the session"
    assert lha(home, "delete", "--yes", thread_id).returncode == 0
    assert not path.exists() and not record.exists()
    assert _index_rows(home, thread_id) == 0, "delete drops the session's index rows"
    assert "no thread with id" in one_line_error(lha(home, "delete", "--yes", thread_id))


def test_delete_asks_on_a_terminal(home: Path, scripted_server_thread: ScriptedServer) -> None:
    thread_id, path = new_session(home, scripted_server_thread, "asked about")
    assert "nothing was deleted" in _delete_on_terminal(home, thread_id, "n")
    assert path.exists()
    assert "deleted" in _delete_on_terminal(home, thread_id, "y")
    assert not path.exists()


def _delete_on_terminal(home: Path, thread_id: str, answer: str) -> str:
    """``lha delete ID`` on a pseudo-terminal, answering ``answer``; all it wrote there."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "LHA_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "delete", thread_id],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    seen = _read_until(controller, b"[y/N]")
    os.write(controller, f"{answer}\n".encode())
    assert process.wait(timeout=60) == 0
    seen += _read_until(controller, None)
    os.close(controller)
    return seen.decode(errors="replace")


def _read_until(controller: int, marker: bytes | None) -> bytes:
    """What the terminal shows until ``marker`` (or, with None, until the process is gone)."""
    seen = b""
    deadline = time.monotonic() + 60
    while marker is None or marker not in seen:
        assert time.monotonic() < deadline, f"not on the terminal in time: {seen!r}"
        ready, _, _ = select.select([controller], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(controller, 1024)
        except OSError:  # the terminal's other end closed: the process has exited
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_threads_cwd_limits_to_a_folder_and_below(
    home: Path, scripted_server_thread: ScriptedServer, tmp_path: Path
) -> None:
    top, below, elsewhere = tmp_path / "proj", tmp_path / "proj" / "sub", tmp_path / "other"
    for folder in (below, elsewhere):
        folder.mkdir(parents=True)
    at_top, _ = new_session(home, scripted_server_thread, "top", "-C", str(top))
    at_sub, _ = new_session(home, scripted_server_thread, "sub", "-C", str(below))
    at_other, _ = new_session(home, scripted_server_thread, "other", "-C", str(elsewhere))
    assert sorted(listed(home, "--cwd", str(top))) == sorted([at_top, at_sub])
    assert listed(home, "--cwd", str(elsewhere)) == [at_other]
    assert len(listed(home)) == 3
    result = lha(home, "threads", "--cwd", str(tmp_path / "nothing-here"))
    assert "no sessions started in this folder" in result.stdout


def test_only_session_files_can_be_archived_or_deleted(home: Path, tmp_path: Path) -> None:
    stray = tmp_path / "notes.jsonl"
    stray.write_text("{}\n")
    for args in (("archive", str(stray)), ("delete", "--yes", str(stray))):
        assert "only session files under" in one_line_error(lha(home, *args))
    assert stray.exists()
    assert "is not a rollout file, a thread id or a session name" in one_line_error(
        lha(home, "archive", "zz")
    )


def _index_rows(home: Path, thread_id: str) -> int:
    """Rows the search index holds for a session (read straight from the SQLite file)."""
    with contextlib.closing(sqlite3.connect(home / "index.sqlite")) as db:
        [(count,)] = db.execute(
            "SELECT count(*) FROM messages JOIN sessions ON messages.session = sessions.id "
            "WHERE sessions.thread_id = ?",
            (thread_id,),
        ).fetchall()
    return int(count)
