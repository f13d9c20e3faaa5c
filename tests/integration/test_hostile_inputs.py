"""Hostile files and arguments, as a user meets them: a real ``lha`` process, real files.

Each case must end in one ``lha: ...`` line and an exit code: never a traceback, never a hang
(every run has a timeout), and never a changed file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.protocol.ids import ThreadId
from tests.integration.test_cli_exec import lha
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``lha:`` line of a failed run (and proof there is no traceback)."""
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("lha: ")]
    assert len(lines) == 1, result.stderr[-2000:]
    return lines[0]


def replace_with_fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def test_config_nested_a_thousand_deep_is_one_line(home: Path) -> None:
    (home / "config.toml").write_text("x = " + "[" * 1000 + "]" * 1000 + "\n")
    result = lha(home, "exec", "hi")
    assert result.returncode == 2
    assert "nested more than" in one_error_line(result)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_config_that_is_a_fifo_or_dev_zero_is_refused_at_once(home: Path, kind: str) -> None:
    config = home / "config.toml"
    if kind == "fifo":
        replace_with_fifo(config)
    else:
        config.unlink()
        config.symlink_to("/dev/zero")
    result = lha(home, "exec", "hi")
    assert result.returncode == 2
    line = one_error_line(result)
    assert "not a regular file" in line and "config.toml" in line


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_auth_json_that_is_a_fifo_or_dev_zero_is_a_warning(
    tmp_path: Path, home: Path, kind: str
) -> None:
    (home / "config.toml").write_text('model_provider = "openai"\n')
    auth = home / "auth.json"
    if kind == "fifo":
        os.mkfifo(auth)
    else:
        auth.symlink_to("/dev/zero")
    env_less = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "exec", "hi"],
        capture_output=True,
        text=True,
        env={**env_less, "LHA_HOME": str(home)},
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("not a regular file; ignoring it") == 1
    assert "error: missing API key" in result.stderr


def test_logout_when_auth_json_is_a_folder(home: Path) -> None:
    (home / "auth.json").mkdir()
    result = lha(home, "logout")
    assert result.returncode == 1
    assert "it is a folder" in one_error_line(result)
    assert (home / "auth.json").is_dir()


@pytest.mark.parametrize(
    ("key", "why"),
    [("sk-ab cd", "a space"), ("sk-\x00x", "U+0000"), ("sk-é", "U+00E9"), ("sk-a\nsk-b", "line")],
)
def test_login_refuses_what_cannot_be_a_key(home: Path, key: str, why: str) -> None:
    result = lha(home, "login", "--with-api-key", stdin=key)
    assert result.returncode == 2
    assert why in one_error_line(result)
    assert not (home / "auth.json").exists()


def test_world_readable_auth_json_warns_once(
    tmp_path: Path, home: Path, scripted_server_thread: ScriptedServer
) -> None:
    result = lha(home, "login", "--with-api-key", stdin="sk-test-123")
    assert result.returncode == 0, result.stderr
    (home / "auth.json").chmod(0o644)
    (home / "config.toml").write_text(
        'model = "gpt-test"\nmodel_provider = "openai"\n[model_providers.openai]\n'
        f'base_url = "{scripted_server_thread.base_url}"\n'
    )
    env_less = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "exec", "hi"],
        capture_output=True,
        text=True,
        env={**env_less, "LHA_HOME": str(home)},
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("chmod 600") == 1, result.stderr


def test_a_five_thousand_character_id_is_one_line(home: Path) -> None:
    result = lha(home, "exec", "resume", "a" * 5000, "hi")
    assert result.returncode == 2
    line = one_error_line(result)
    assert "is not a rollout file, a thread id or a session name" in line and len(line) < 300


def test_resume_by_id_of_a_fifo_named_like_a_rollout(home: Path) -> None:
    thread_id = ThreadId.new()
    day = home / "sessions" / "2026" / "01" / "02"
    day.mkdir(parents=True)
    os.mkfifo(day / f"rollout-2026-01-02T03-04-05-{thread_id}.jsonl")
    result = lha(home, "exec", "resume", str(thread_id), "hi")
    assert result.returncode == 2
    assert "FIFO" in one_error_line(result)


def test_resume_of_a_rollout_linked_to_dev_zero(home: Path) -> None:
    thread_id = ThreadId.new()
    day = home / "sessions" / "2026" / "01" / "02"
    day.mkdir(parents=True)
    (day / f"rollout-2026-01-02T03-04-05-{thread_id}.jsonl").symlink_to("/dev/zero")
    result = lha(home, "exec", "resume", str(thread_id), "hi")
    assert result.returncode == 2
    assert "device" in one_error_line(result)


@pytest.mark.parametrize("target", ["missing", "file"])
def test_exec_dash_c_must_be_an_existing_folder(tmp_path: Path, home: Path, target: str) -> None:
    path = tmp_path / "nowhere"
    if target == "file":
        path.write_text("x")
    result = lha(home, "exec", "-C", str(path), "hi")
    assert result.returncode == 2
    assert "-C" in one_error_line(result)


def test_resume_last_and_an_id_exclude_each_other(home: Path) -> None:
    thread_id = ThreadId.new()
    for args in (["resume", "--last", str(thread_id)], ["exec", "resume", "--last", "x", "hi"]):
        result = lha(home, *args)
        assert result.returncode == 2
        assert "exclude each other" in one_error_line(result)


def test_a_dynamic_tool_named_like_a_built_in_is_refused(tmp_path: Path, home: Path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps([{"name": "shell", "description": "x", "input_schema": {}}]))
    result = lha(home, "exec", "--json", "--dynamic-tools", str(tools), "hi")
    assert result.returncode == 2
    assert "built-in tool" in one_error_line(result)


def test_listed_ids_can_be_resumed_even_when_the_meta_disagrees(
    tmp_path: Path, home: Path, scripted_server_thread: ScriptedServer
) -> None:
    """A rollout whose session_meta id differs from its file name's (edited by hand)."""
    path = write_rollout(home, tmp_path, 1, provider="scripted")
    renamed_id = ThreadId.new()
    renamed = path.with_name(path.name[: -len(".jsonl") - 36] + f"{renamed_id}.jsonl")
    path.rename(renamed)
    before = renamed.read_bytes()
    listed = lha(home, "threads", "--json")
    ids = [json.loads(line)["thread_id"] for line in listed.stdout.splitlines()]
    assert ids == [str(renamed_id)]
    result = lha(home, "exec", "resume", ids[0], "again")
    assert result.returncode == 0, result.stderr
    assert renamed.read_bytes().startswith(before)


def test_models_ids_and_logged_paths_reach_the_terminal_inert(
    tmp_path: Path, home: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.models = ["gpt-test", "evil\x1b]52;c;aGk=\x07\x1b]0;pwned\x07"]
    result = lha(home, "models")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil␛]52;c;aGk=␇" in result.stdout
    # An unknown config key, with an escape in its name: one sanitized warning, not two.
    config = home / "config.toml"
    config.write_text('"bad\\u001b[2Jkey" = 1\n' + config.read_text())
    result = lha(home, "models")
    assert "\x1b" not in result.stderr
    assert result.stderr.count("unknown key") == 1, result.stderr


def test_skipped_lines_warning_names_the_path_inert(
    tmp_path: Path, home: Path, scripted_server_thread: ScriptedServer
) -> None:
    folder = tmp_path / "evil\x1b]0;title\x07"
    folder.mkdir()
    path = write_rollout(home, tmp_path, 1, provider="scripted")
    moved = folder / path.name
    shutil.move(path, moved)
    with moved.open("a") as file:
        file.write("not json\n")
    result = lha(home, "exec", "resume", str(moved), "again")
    assert result.returncode == 0, result.stderr
    assert "skipped 1 unreadable line" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.count("skipped 1 unreadable line") == 1


NOT_MCP = (
    "import sys, time\n"
    "for i in range(3000): print(f'Traceback line {i}: this is not JSON')\n"
    "sys.stdout.flush(); time.sleep(60)\n"
)


def test_an_mcp_server_that_prints_non_json_is_one_line(tmp_path: Path, home: Path) -> None:
    script = tmp_path / "not_mcp.py"
    script.write_text(NOT_MCP)
    with (home / "config.toml").open("a") as file:
        file.write(
            f"[mcp_servers.chatty]\ncommand = {json.dumps(sys.executable)}\n"
            f"args = [{json.dumps(str(script))}]\nstartup_timeout_sec = 30\n"
        )
    result = lha(home, "mcp", "list")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = (result.stdout + result.stderr).splitlines()
    assert sum("not speaking MCP" in line for line in lines) == 1, lines[:5]
    assert len(lines) < 5, f"{len(lines)} lines of output"


@pytest.mark.parametrize("command", [["threads"], ["exec", "resume"]])
def test_usage_errors_quote_arguments_inert(home: Path, command: list[str]) -> None:
    """argparse repeats an unknown argument back; an OSC 52 clipboard write in it stays text."""
    result = lha(home, *command, "--x\x1b]52;c;aGVsbG8=\x07")
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "unrecognized arguments: --x\u241b]52;c;aGVsbG8=\u2407" in result.stderr
