"""``lha exec`` and ``lha models`` with inputs that used to hang them or trace back: one line,
the right exit code, and a rollout that stays valid UTF-8 JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_cli_exec import lha
from tests.support.scripted_server import Reply, ScriptedServer, last_user_text

BAD_PROVIDER_SETTINGS = [
    ('base_url = "http://127.0.0.1:99999/v1"', "base_url", "Port out of range"),
    ('base_url = "http://[::1/v1"', "base_url", "Invalid IPv6 URL"),
    (f'base_url = "http://127.0.0.1:1/v1?{"a" * 65_536}"', "base_url", "characters long"),
    ('http_headers = { "X-Team" = "€uro" }', "http_headers", "printable ASCII"),
]


def _add_to_provider(home: Path, line: str) -> None:
    """Put ``line`` in the scripted provider's table (the config's last), replacing the line
    of the same key if there is one (TOML refuses a key given twice)."""
    config = home / "config.toml"
    lines = config.read_text().splitlines()
    key = line.split("=", 1)[0].strip()
    kept = [existing for existing in lines if not existing.startswith(f"{key} =")]
    config.write_text("\n".join([*kept, line]) + "\n")


def _rollouts(home: Path) -> list[Path]:
    return sorted((home / "sessions").rglob("rollout-*.jsonl"))


def _strict_json_lines(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


@pytest.mark.parametrize("command", [["models"], ["exec", "hello"]])
@pytest.mark.parametrize(("line", "key", "why"), BAD_PROVIDER_SETTINGS)
def test_a_provider_setting_no_request_can_carry_is_one_line_naming_the_key(
    home: Path, command: list[str], line: str, key: str, why: str
) -> None:
    _add_to_provider(home, line)
    result = lha(home, *command)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"model_providers.scripted.{key}" in lines[0] and why in lines[0]
    assert "config.toml" in lines[0] and "Traceback" not in result.stderr
    assert "€uro" not in result.stderr, "header values may be secrets: never echoed"


def test_a_saved_key_no_header_can_carry_fails_the_turn_in_one_line_without_the_key(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    _add_to_provider(home, "requires_auth = true")
    (home / "auth.json").write_text(json.dumps({"OPENAI_API_KEY": "sk-tést-123456789"}))
    result = lha(home, "exec", "hello")
    assert result.returncode == 1, result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "auth.json" in errors[0] and "lha login" in errors[0]
    assert "tést" not in result.stderr and "Traceback" not in result.stderr
    assert scripted_server_thread.model_requests() == []

    listed = lha(home, "models")
    assert listed.returncode == 0 and "auth.json" in listed.stderr
    assert "tést" not in listed.stderr and "Traceback" not in listed.stderr


def test_a_header_from_an_environment_variable_no_request_can_carry(home: Path) -> None:
    _add_to_provider(home, 'env_http_headers = { "X-Team" = "LHA_TEST_TEAM" }')
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "exec", "hello"],
        capture_output=True,
        text=True,
        env={**os.environ, "LHA_HOME": str(home), "LHA_TEST_TEAM": "équipe"},
        timeout=60,
        cwd=home.parent,
    )
    assert result.returncode == 1, result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "LHA_TEST_TEAM" in errors[0] and "équipe" not in errors[0]


@pytest.mark.parametrize("via", ["argv", "stdin"])
def test_a_prompt_that_is_not_utf8_is_sent_with_replacement_characters(
    home: Path, scripted_server_thread: ScriptedServer, via: str
) -> None:
    scripted_server_thread.enqueue(Reply.text("bien"))
    prompt = b"caf\xe9 cr\xe8me"
    argv: list[str | bytes] = [sys.executable, "-m", "tui.cli", "exec"]
    result = subprocess.run(
        [*argv, prompt if via == "argv" else "-"],
        input=prompt if via == "stdin" else None,
        capture_output=True,
        env={**os.environ, "LHA_HOME": str(home), "PYTHONIOENCODING": "utf-8:strict"},
        timeout=60,
        cwd=home.parent,
    )
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "2 byte(s) that are not valid UTF-8" in stderr and "Traceback" not in stderr
    assert last_user_text(scripted_server_thread.last_body()) == "caf\ufffd cr\ufffdme"
    [rollout] = _rollouts(home)
    assert "caf\ufffd cr\ufffdme" in json.dumps(_strict_json_lines(rollout), ensure_ascii=False)


def test_a_session_that_cannot_be_saved_fails_exec_in_one_line_naming_the_file(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    (home / "sessions").write_text("not a folder")  # fails even for root, unlike chmod
    scripted_server_thread.enqueue(Reply.text("the answer"))
    result = lha(home, "exec", "hello")
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip() == "the answer", "what the model said is still shown"
    errors = [ln for ln in result.stderr.splitlines() if "could not be saved" in ln]
    assert len(errors) == 1 and str(home / "sessions") in errors[0], result.stderr
    known = ("thread ", "warning:", "tokens:", "error:")
    assert all(ln.startswith(known) for ln in result.stderr.splitlines()), result.stderr
