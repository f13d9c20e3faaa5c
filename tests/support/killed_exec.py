"""``lha exec`` killed with SIGKILL while the model's ``sleep 20`` runs: what a crash mid-command
leaves behind, for the tests of what the next lha does with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.scripted_server import Reply, ScriptedServer


def wait_for(condition_met: Callable[[], bool], what: str, within_s: float = 30.0) -> None:
    """Poll ``condition_met`` (a file on disk, a folder's contents) until it holds."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition_met():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def exec_killed_mid_command(
    home: Path,
    server: ScriptedServer,
    cwd: Path,
    running: Callable[[], bool],
    what: str,
) -> None:
    """Run ``lha exec -a never`` whose model asks for ``sleep 20``; once ``running()`` says
    the command is under way (and a moment for it to start), kill lha with SIGKILL."""
    call = ("call_sleep", "shell", json.dumps({"command": ["sleep", "20"]}))
    server.enqueue(Reply.tool_calls([call]))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "exec", "-a", "never", "wait a bit"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "LHA_HOME": str(home)},
        cwd=cwd,
    )
    try:
        wait_for(running, what)
        time.sleep(0.3)  # let the command start
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
