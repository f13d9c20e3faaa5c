"""One writer per rollout: the flock taken through the writer's descriptor, and its note."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.errors import SessionLocked
from core.protocol.ids import ThreadId
from core.protocol.session import SessionSource
from core.rollout.lock import (
    TORN_NOTE_AGE_S,
    RolloutLock,
    notes_dir,
    read_holder,
    remove_dead_notes,
    writer_command,
)
from core.rollout.recorder import RolloutRecorder
from tests.support.rollout_factory import write_rollout


def _rollout(home: Path) -> tuple[Path, ThreadId]:
    thread_id = ThreadId.new()
    return write_rollout(home, home, 2, thread_id=thread_id), thread_id


async def test_a_second_recorder_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    path, thread_id = _rollout(tmp_path)
    with path.open("ab") as file:
        file.write(b'{"torn')  # a crash mid-line: the writer that opens it repairs it
    before = path.read_bytes()
    first = RolloutRecorder.resume(path, RolloutLock(tmp_path, thread_id, "lha exec resume"))
    repaired = path.read_bytes()
    assert repaired == before + b"\n", "the holder starts on a fresh line"

    with pytest.raises(SessionLocked) as refused:
        RolloutRecorder.resume(path, RolloutLock(tmp_path, thread_id, "lha resume"))
    assert path.read_bytes() == repaired, "the refused writer did not touch the file"
    assert refused.value.same_process and refused.value.pid == os.getpid()
    assert refused.value.command == "lha exec resume" and refused.value.path == path

    await first.shutdown()
    second = RolloutRecorder.resume(path, RolloutLock(tmp_path, thread_id, "lha resume"))
    assert read_holder(notes_dir(tmp_path) / f"{thread_id}.json") is not None
    await second.shutdown()


async def test_the_note_is_private_names_the_holder_and_goes_with_the_lock(
    tmp_path: Path,
) -> None:
    path, thread_id = _rollout(tmp_path)
    recorder = RolloutRecorder.resume(path, RolloutLock(tmp_path, thread_id, "lha exec fork"))
    note = notes_dir(tmp_path) / f"{thread_id}.json"
    assert json.loads(note.read_text()) == {"pid": os.getpid(), "command": "lha exec fork"}
    assert stat.S_IMODE(note.stat().st_mode) == 0o600
    assert stat.S_IMODE(note.parent.stat().st_mode) == 0o700
    await recorder.shutdown()
    assert not note.exists()
    assert os.listdir(notes_dir(tmp_path)) == []


async def test_a_new_threads_file_is_locked_when_it_is_made(tmp_path: Path) -> None:
    from tests.unit.rollout.helpers import meta

    session = meta()
    lock = RolloutLock(tmp_path, session.id, "lha")
    recorder = RolloutRecorder.create(tmp_path, session.id, session, lock=lock)
    assert not lock.held, "nothing on disk, nothing to lock"
    recorder.persist()
    await recorder.flush()
    assert lock.held
    with pytest.raises(SessionLocked):
        RolloutRecorder.resume(recorder.rollout_path, RolloutLock(tmp_path, session.id, "lha"))
    await recorder.shutdown()
    assert not lock.held


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_notes_of_dead_holders_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    folder = notes_dir(tmp_path)
    folder.mkdir()
    dead = folder / f"{ThreadId.new()}.json"
    dead.write_text(json.dumps({"pid": _dead_pid(), "command": "lha"}))
    live = folder / f"{ThreadId.new()}.json"
    live.write_text(json.dumps({"pid": os.getpid(), "command": "lha"}))
    being_written = folder / f"{ThreadId.new()}.json"
    being_written.write_text("")
    old_torn = folder / f"{ThreadId.new()}.json"
    old_torn.write_text('{"pid": ')
    long_ago = time.time() - TORN_NOTE_AGE_S - 5
    os.utime(old_torn, (long_ago, long_ago))
    other = folder / "README"
    other.write_text("not a note")

    remove_dead_notes(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [live.name, being_written.name, other.name]
    )


async def test_taking_a_lock_sweeps_a_killed_holders_note(tmp_path: Path) -> None:
    path, thread_id = _rollout(tmp_path)
    folder = notes_dir(tmp_path)
    folder.mkdir()
    stale = folder / f"{ThreadId.new()}.json"
    stale.write_text(json.dumps({"pid": _dead_pid(), "command": "lha exec resume"}))
    recorder = RolloutRecorder.resume(path, RolloutLock(tmp_path, thread_id, "lha"))
    assert not stale.exists()
    await recorder.shutdown()


def test_the_error_names_the_other_process_and_says_how_to_fork() -> None:
    thread_id = str(ThreadId.new())
    other = str(SessionLocked(thread_id, pid=4242, command="lha exec resume"))
    assert "open in another lha (pid 4242, `lha exec resume`)" in other
    assert f"`lha fork {thread_id}`" in other and f"`lha exec fork {thread_id} PROMPT`" in other
    assert "\n" not in other
    unnamed = str(SessionLocked(thread_id))
    assert "open in another lha process" in unnamed and "pid" not in unnamed
    assert "already open in this lha" in str(SessionLocked(thread_id, pid=1, same_process=True))


def test_the_command_says_how_the_holder_opened_the_thread() -> None:
    assert writer_command(SessionSource.EXEC, "resumed") == "lha exec resume"
    assert writer_command(SessionSource.EXEC, "forked") == "lha exec fork"
    assert writer_command(SessionSource.CLI, "resumed") == "lha resume"
    assert writer_command(SessionSource.CLI, "new") == "lha"
