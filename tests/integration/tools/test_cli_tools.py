"""``lha exec --dynamic-tools`` driven through stdin, and ``lha mcp list``, as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_cli_exec import lha, write_config
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import tool_outputs
from tui.commands.mcp_cmd import print_table

SERVER = str(Path(__file__).resolve().parents[2] / "support" / "mcp_test_server.py")
TOOLS = [
    {
        "name": "lookup",
        "description": "Look a word up",
        "input_schema": {"type": "object", "properties": {"word": {"type": "string"}}},
    }
]


def _home_and_tools_file(tmp_path: Path, server: ScriptedServer) -> tuple[Path, Path]:
    home = tmp_path / "home"
    write_config(home, server)
    spec = tmp_path / "tools.json"
    spec.write_text(json.dumps(TOOLS))
    return home, spec


def _exec_answering(tmp_path: Path, home: Path, *args: str) -> list[str]:
    """Run ``lha exec --json ARGS``, answering each dynamic tool call on stdin as it comes;
    returns the event types printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "exec", "--json", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "LHA_HOME": str(home)},
        cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None
    kinds: list[str] = []
    for line in proc.stdout:
        msg = json.loads(line)["msg"]
        kinds.append(msg["type"])
        if msg["type"] == "dynamic_tool_call_request":
            assert msg["tool"] == "lookup" and json.loads(msg["arguments"]) == {"word": "lha"}
            answer = {"call_id": msg["call_id"], "output": "a workbench", "success": True}
            proc.stdin.write(json.dumps(answer) + "\n")
            proc.stdin.flush()
    assert proc.wait(timeout=30) == 0, proc.stderr.read() if proc.stderr else ""
    return kinds


def test_exec_answers_dynamic_tools_from_stdin(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    home, spec = _home_and_tools_file(tmp_path, scripted_server_thread)
    scripted_server_thread.enqueue(
        Reply.tool_calls([("call_1", "lookup", '{"word": "lha"}')]), Reply.text("It is a tool.")
    )
    kinds = _exec_answering(tmp_path, home, "--dynamic-tools", str(spec), "what?")
    assert "task_complete" in kinds and kinds[-1] == "shutdown_complete"
    assert tool_outputs(scripted_server_thread.last_body())["call_1"] == "a workbench"
    assert "lookup" in json.dumps(scripted_server_thread.bodies()[-2]["tools"])

    # `exec resume` keeps the thread's tools, answered from stdin the same way.
    scripted_server_thread.enqueue(
        Reply.tool_calls([("call_2", "lookup", '{"word": "lha"}')]), Reply.text("Still a tool.")
    )
    kinds = _exec_answering(tmp_path, home, "resume", "--last", "and again?")
    assert kinds.count("dynamic_tool_call_request") == 1 and "task_complete" in kinds
    assert tool_outputs(scripted_server_thread.last_body())["call_2"] == "a workbench"


def test_exec_rejects_a_bad_answer_and_a_bad_spec_file(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    home, spec = _home_and_tools_file(tmp_path, scripted_server_thread)
    scripted_server_thread.enqueue(Reply.tool_calls([("call_1", "lookup", "{}")]))
    result = lha(home, "exec", "--dynamic-tools", str(spec), "go", stdin="not json\n")
    assert result.returncode == 2
    assert "stdin line 1: expected" in result.stderr
    spec.write_text('[{"name": "x"}]')
    bad = lha(home, "exec", "--dynamic-tools", str(spec), "go")
    assert bad.returncode == 2 and "tool #0: `description`" in bad.stderr


def test_mcp_list_shows_servers_status_and_tools(
    tmp_path: Path, scripted_server_thread: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    write_config(home, scripted_server_thread)
    with (home / "config.toml").open("a") as config:
        config.write(
            f"[mcp_servers.alpha]\ncommand = {json.dumps(sys.executable)}\n"
            f'args = [{json.dumps(SERVER)}, "alpha"]\nenv = {{ SECRET_TOKEN = "hunter2" }}\n'
            '[mcp_servers.gone]\ncommand = "/nonexistent/mcp-server"\n'
        )
    result = lha(home, "mcp", "list", "--json")
    assert result.returncode == 1, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["alpha"]["status"] == "ready"
    assert "mcp__alpha__echo" in [t["qualified_name"] for t in rows["alpha"]["tools"]]
    assert rows["alpha"]["env_keys"] == ["SECRET_TOKEN"]
    assert rows["gone"]["status"] == "failed" and "not found" in rows["gone"]["error"]
    assert "hunter2" not in result.stdout
    print_table(list(rows.values()))
    human = capsys.readouterr().out
    assert "alpha  ready" in human and "  mcp__alpha__add  Add two integers." in human
    assert "gone  failed: command not found" in human


def test_exec_denies_approval_requests_with_a_note(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    home = tmp_path / "home"
    write_config(home, scripted_server_thread)
    call = ("c1", "shell", json.dumps({"command": ["touch", "made.txt"]}))
    scripted_server_thread.enqueue(Reply.tool_calls([call]), Reply.text("could not"))
    result = lha(home, "exec", "-c", 'approval_policy="untrusted"', "make a file")
    assert result.returncode == 0, result.stderr
    assert "cannot ask for approval; denied `touch made.txt`" in result.stderr
    assert "denied" in tool_outputs(scripted_server_thread.last_body())["c1"]
    assert not (tmp_path / "made.txt").exists()


@pytest.mark.usefixtures("bwrap_ok")
def test_sandbox_and_approval_flags_reach_the_shell(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    """``-a never -s read-only`` before and after ``exec``: the command runs unasked, and its
    write is refused by the sandbox; ``-s workspace-write`` lets the same write land."""
    home = tmp_path / "home"
    write_config(home, scripted_server_thread)
    call = ("c1", "shell", json.dumps({"command": ["touch", "made.txt"]}))
    scripted_server_thread.enqueue(Reply.tool_calls([call]), Reply.text("tried"))
    result = lha(home, "-a", "never", "exec", "-s", "read-only", "make a file")
    assert result.returncode == 0, result.stderr
    assert "approval" not in result.stderr
    assert "Read-only file system" in tool_outputs(scripted_server_thread.last_body())["c1"]
    assert not (tmp_path / "made.txt").exists()

    scripted_server_thread.enqueue(Reply.tool_calls([call]), Reply.text("made"))
    result = lha(home, "-a", "never", "exec", "-s", "workspace-write", "make a file")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "made.txt").exists()
