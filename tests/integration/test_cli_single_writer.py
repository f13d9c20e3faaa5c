"""Two real ``lha exec resume`` processes on one session: the second is refused at once, and a
``kill -9`` of the first frees the session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.rollout.user_turns import read_user_turns
from tests.integration.test_cli_exec import lha
from tests.support.scripted_server import Reply, ScriptedServer

REFUSED_WITHIN_S = 15.0
"""Start-up of a second lha on a loaded 2-core machine, with a wide margin: it must not wait
for the first one's turn (which stalls for a minute)."""


def _start_lha(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "LHA_HOME": str(home), "LHA_RETRY_BASE_DELAY_MS": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=home.parent,
    )


def _wait_for_model_requests(server: ScriptedServer, n: int, within_s: float = 30.0) -> None:
    deadline = time.monotonic() + within_s
    while len(server.model_requests()) < n:
        if time.monotonic() > deadline:
            raise AssertionError(f"the server did not get {n} model request(s) in time")
        time.sleep(0.02)


def test_a_second_resume_exits_2_naming_the_first_and_kill_9_frees_the_session(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    server = scripted_server_thread
    server.enqueue(Reply.text("one"))
    first = lha(home, "exec", "--json", "first question")
    assert first.returncode == 0, first.stderr
    thread_id = json.loads(first.stdout.splitlines()[0])["msg"]["thread_id"]

    server.enqueue(Reply.text("slow answer", stall_after=0, stall_s=60))
    holder = _start_lha(home, "exec", "resume", thread_id, "held open")
    try:
        _wait_for_model_requests(server, 2)  # the holder is mid-turn: it has the session
        started = time.monotonic()
        refused = lha(home, "exec", "resume", thread_id, "second writer")
        took = time.monotonic() - started
        assert refused.returncode == 2, refused.stderr
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1, refused.stderr
        assert f"pid {holder.pid}" in lines[0] and "`lha exec resume`" in lines[0]
        assert f"lha fork {thread_id}" in lines[0]
        assert took < REFUSED_WITHIN_S
        assert len(server.model_requests()) == 2, "the refused process asked the model nothing"

        forked = lha(home, "exec", "--json", "fork", thread_id, "a fork goes on")
        assert forked.returncode == 0, forked.stderr
        fork_msg = json.loads(forked.stdout.splitlines()[0])["msg"]
        assert fork_msg["forked_from_id"] == thread_id
        sent = json.dumps(server.last_body())
        assert "first question" in sent and "a fork goes on" in sent, "without --at: all of it"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=30)
    assert holder.returncode == -signal.SIGKILL

    server.enqueue(Reply.text("three"))
    after = lha(home, "exec", "resume", thread_id, "after the kill")
    assert after.returncode == 0, after.stderr
    assert "Traceback" not in after.stderr
    rollout = Path(json.loads(first.stdout.splitlines()[0])["msg"]["rollout_path"])
    texts = [t.text for t in _user_turns(rollout)]
    assert texts == ["first question", "held open", "after the kill"]
    assert "second writer" not in rollout.read_text()
    notes = os.listdir(home / "locks")
    assert notes == [], "the killed holder's note was swept, the last one removed"


def _user_turns(path: Path) -> list[object]:
    import asyncio

    return list(asyncio.run(read_user_turns(path)))
