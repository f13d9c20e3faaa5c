"""``lha exec`` killed with SIGKILL while a slow command runs, then resumed: the call is
answered, so the provider accepts the resumed thread."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.agent.tool_call_pairing import STOPPED_BEFORE_TOOL_FINISHED
from tests.integration.test_cli_exec import lha, write_config
from tests.integration.test_dangling_tool_calls import assert_every_call_answered_in_place
from tests.support.scripted_server import Reply, ScriptedServer


def _wait_for_recorded_call(home: Path, within_s: float = 30.0) -> Path:
    """The rollout, once its tool_call line is on disk (the command is running by then)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        for path in (home / "sessions").rglob("rollout-*.jsonl"):
            if b'"type":"tool_call"' in path.read_bytes():
                return path
        time.sleep(0.05)
    raise AssertionError("the tool call never reached the rollout")


@pytest.mark.usefixtures("bwrap_ok")
def test_a_thread_killed_mid_command_resumes_with_the_call_answered(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    home = tmp_path / "home"
    write_config(home, scripted_server_thread)
    call = ("call_sleep", "shell", json.dumps({"command": ["sleep", "20"]}))
    scripted_server_thread.enqueue(Reply.tool_calls([call]))
    running = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "exec", "-a", "never", "wait a bit"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "LHA_HOME": str(home)},
        cwd=tmp_path,
    )
    try:
        path = _wait_for_recorded_call(home)
        time.sleep(0.3)  # let the command start
    finally:
        os.kill(running.pid, signal.SIGKILL)
        running.wait(10)
    before = path.read_bytes()
    assert b"tool_call_output" not in before

    scripted_server_thread.enqueue(Reply.text("picked up where we were"))
    result = lha(home, "exec", "resume", "--last", "carry on")
    assert result.returncode == 0, result.stderr
    body = scripted_server_thread.last_body()
    assert_every_call_answered_in_place(body)
    assert STOPPED_BEFORE_TOOL_FINISHED in json.dumps(body)
    after = path.read_bytes()
    assert after.startswith(before) and STOPPED_BEFORE_TOOL_FINISHED.encode() in after
