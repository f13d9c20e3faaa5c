"""One writer per session across ThreadManagers: resume twice is refused, reading and forking
never are, and closing a thread hands the session on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.errors import SessionLocked
from core.rollout.lock import notes_dir
from core.rollout.recorder import RolloutRecorder
from core.rollout.user_turns import read_user_turns
from tests.support.agent_harness import make_harness, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tui.file_tail import tail_lines


async def test_two_managers_in_one_process_conflict_like_two_processes(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    a = make_harness(tmp_path, scripted_server)
    b = make_harness(tmp_path, scripted_server)
    assert a.home == b.home
    started = await a.manager.start_thread(a.config)
    scripted_server.enqueue(Reply.text("hi"))
    await run_turn(started.thread, "hello")
    path = started.thread.rollout_path
    assert path is not None
    before = path.read_bytes()

    with pytest.raises(SessionLocked) as refused:
        await b.manager.resume_thread_from_rollout(b.config, path, b.manager.auth_manager())
    assert refused.value.pid == os.getpid() and refused.value.command == "lha exec"
    assert path.read_bytes() == before
    assert await b.manager.list_thread_ids() == []

    # Reading is never blocked: the list, a whole read, the tail, and a fork of it.
    page = await RolloutRecorder.list_threads(b.home, 10)
    assert [item.path for item in page.items] == [path]
    assert (await RolloutRecorder.get_rollout_history(path)).thread_id == started.thread_id
    assert tail_lines(path, 4096)
    fork = await b.manager.fork_thread(None, b.config, path)
    assert fork.session_configured.forked_from_id == started.thread_id
    assert fork.thread.rollout_path is not None
    assert [t.text for t in await read_user_turns(fork.thread.rollout_path)] == ["hello"]
    with pytest.raises(SessionLocked):  # the fork's own file is B's now
        await a.manager.resume_thread_from_rollout(
            a.config, fork.thread.rollout_path, a.manager.auth_manager()
        )

    await a.manager.remove_thread(started.thread_id)  # closing hands the session on
    resumed = await b.manager.resume_thread_from_rollout(b.config, path, b.manager.auth_manager())
    scripted_server.enqueue(Reply.text("again"))
    await run_turn(resumed.thread, "second")
    await b.manager.remove_and_close_all_threads()
    await a.manager.remove_and_close_all_threads()
    assert [t.text for t in await read_user_turns(path)] == ["hello", "second"]
    assert os.listdir(notes_dir(a.home)) == [], "every note went with its lock"


async def test_one_manager_resuming_an_open_thread_twice_is_refused(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    started = await h.manager.start_thread(h.config)
    await run_turn(started.thread, "hello")
    path = started.thread.rollout_path
    assert path is not None
    await h.manager.remove_and_close_all_threads()

    auth = h.manager.auth_manager()
    first = await h.manager.resume_thread_from_rollout(h.config, path, auth)
    with pytest.raises(SessionLocked, match="already open in this lha"):
        await h.manager.resume_thread_from_rollout(h.config, path, auth)
    assert await h.manager.list_thread_ids() == [first.thread_id]
    await h.manager.remove_and_close_all_threads()
    again = await h.manager.resume_thread_from_rollout(h.config, path, auth)
    assert again.thread_id == first.thread_id
    await h.manager.remove_and_close_all_threads()
