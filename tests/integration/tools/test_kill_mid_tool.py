"""``lha exec`` killed with SIGKILL while a slow command runs, then resumed: the call is
answered, so the provider accepts the resumed thread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.agent.tool_call_pairing import STOPPED_BEFORE_TOOL_FINISHED
from tests.integration.test_cli_exec import lha, write_config
from tests.integration.test_dangling_tool_calls import assert_every_call_answered_in_place
from tests.support.killed_exec import exec_killed_mid_command
from tests.support.scripted_server import Reply, ScriptedServer


def _recorded_call(home: Path) -> Path | None:
    """The rollout, once its tool_call line is on disk (the command is running by then)."""
    for path in (home / "sessions").rglob("rollout-*.jsonl"):
        if b'"type":"tool_call"' in path.read_bytes():
            return path
    return None


@pytest.mark.usefixtures("bwrap_ok")
def test_a_thread_killed_mid_command_resumes_with_the_call_answered(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    home = tmp_path / "home"
    write_config(home, scripted_server_thread)
    exec_killed_mid_command(
        home,
        scripted_server_thread,
        tmp_path,
        lambda: _recorded_call(home) is not None,
        "the tool call to reach the rollout",
    )
    path = _recorded_call(home)
    assert path is not None
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
