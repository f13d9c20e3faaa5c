"""``lha exec`` / ``threads`` as a user runs them: a real process, a real server, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.scripted_server import Reply, ScriptedServer


def write_config(home: Path, server: ScriptedServer, wire_api: str = "chat") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        'model = "gpt-test"\n'
        'model_provider = "scripted"\n'
        "[model_providers.scripted]\n"
        'name = "Scripted"\n'
        f'base_url = "{server.base_url}"\n'
        f'wire_api = "{wire_api}"\n'
        "request_max_retries = 1\n"
    )


def lha(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LHA_HOME": str(home), "LHA_RETRY_BASE_DELAY_MS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=home.parent,
    )


def test_exec_prints_the_answer(home: Path, scripted_server_thread: ScriptedServer) -> None:
    scripted_server_thread.enqueue(Reply.text("The answer is 42."))
    result = lha(home, "exec", "what is the answer?")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "The answer is 42."
    assert "thread" in result.stderr


def test_exec_json_prints_one_event_per_line(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("hi there"))
    result = lha(home, "exec", "--json", "hello")
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = [e["msg"]["type"] for e in events]
    assert kinds[0] == "session_configured"
    assert kinds[-1] == "shutdown_complete"
    assert "task_complete" in kinds and "agent_message" in kinds
    assert all(set(e) == {"id", "msg"} for e in events)


def test_exec_resume_last_and_fork(home: Path, scripted_server_thread: ScriptedServer) -> None:
    scripted_server_thread.enqueue(Reply.text("one"), Reply.text("two"))
    first = lha(home, "exec", "--json", "first question")
    thread_id = json.loads(first.stdout.splitlines()[0])["msg"]["thread_id"]
    resumed = lha(home, "exec", "--json", "resume", "--last", "second question")
    assert resumed.returncode == 0, resumed.stderr
    configured = json.loads(resumed.stdout.splitlines()[0])["msg"]
    assert configured["thread_id"] == thread_id
    assert "first question" in json.dumps(scripted_server_thread.last_body())

    scripted_server_thread.enqueue(Reply.text("forked"))
    forked = lha(home, "exec", "--json", "fork", thread_id, "--at", "1", "another second")
    assert forked.returncode == 0, forked.stderr
    configured = json.loads(forked.stdout.splitlines()[0])["msg"]
    assert configured["forked_from_id"] == thread_id
    sent = json.dumps(scripted_server_thread.last_body())
    assert "first question" in sent and "second question" not in sent

    listing = lha(home, "threads", "--json")
    rows = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(rows) == 2
    assert {r["forked_from_id"] for r in rows} == {None, thread_id}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["exec", "resume", "--last", "x"], "no past session"),
        (["exec", "resume", "0190a1b2-0000-7000-8000-000000000000", "x"], "no thread with id"),
        (
            ["exec", "fork", "nonsense", "--at", "0", "x"],
            "not a rollout file, a thread id or a session name",
        ),
        (["exec", "fork", "0190a1b2-0000-7000-8000-000000000000", "--at", "-1", "x"], "--at"),
        (["exec", "-c", "approval_policy=sometimes", "x"], "approval_policy"),
    ],
)
def test_bad_input_exits_2_with_one_line(home: Path, args: list[str], needle: str) -> None:
    result = lha(home, *args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_provider_error_exits_1(home: Path, scripted_server_thread: ScriptedServer) -> None:
    scripted_server_thread.enqueue(Reply.error(401))
    result = lha(home, "exec", "hello")
    assert result.returncode == 1
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_bad_config_file_exits_2(home: Path) -> None:
    (home / "config.toml").write_text("model = \n")
    result = lha(home, "exec", "hello")
    assert result.returncode == 2
    assert "config.toml" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_version_and_help(home: Path) -> None:
    assert lha(home, "--version").stdout.startswith("lha ")
    assert "exec" in lha(home, "--help").stdout


def test_models_lists_the_server_and_answers_from_cache_when_it_is_down(tmp_path: Path) -> None:
    from tests.support.scripted_server import serve_in_thread

    home = tmp_path / "lha-home"
    with serve_in_thread() as server:
        server.models = ["my-model-a", "my-model-b"]
        write_config(home, server)
        live = lha(home, "models", "--json")
        assert live.returncode == 0, live.stderr
        assert [json.loads(line)["model"] for line in live.stdout.splitlines()] == [
            "my-model-a",
            "my-model-b",
        ]
    down = lha(home, "models", "--json")
    assert down.returncode == 0, down.stderr
    assert [json.loads(line)["model"] for line in down.stdout.splitlines()] == [
        "my-model-a",
        "my-model-b",
    ]
    assert "warning" in down.stderr and "Traceback" not in down.stderr
