"""Continuing a session the real Codex CLI 0.169 wrote: ``lha exec resume`` / ``fork`` of its file.

The fixture was written by ``codex exec`` and ``codex exec resume`` against the scripted server
(two turns: one ran ``exec_command``). lha must send the whole conversation, continue in a new
thread of its own, and leave the Codex file byte for byte as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.integration.test_cli_exec import lha, write_config
from tests.support.scripted_server import Reply, ScriptedServer

FIXTURES = Path(__file__).parent.parent / "fixtures" / "codex"
CODEX_ID = "01a241e1-4fe9-76b3-8618-9ddf4e3c2263"


@pytest.fixture
def home(tmp_path: Path, scripted_server_thread: ScriptedServer) -> Path:
    path = tmp_path / "lha-home"
    write_config(path, scripted_server_thread, wire_api="responses")
    return path


@pytest.fixture
def codex_file(tmp_path: Path) -> Path:
    copy = tmp_path / "codex" / f"rollout-2026-12-04T16-26-54-{CODEX_ID}.jsonl"
    copy.parent.mkdir()
    shutil.copy(FIXTURES / "two_turns_exec_command.jsonl", copy)
    return copy


def _input_texts(body: dict[str, object]) -> list[str]:
    texts = []
    for item in body["input"]:  # type: ignore[attr-defined]
        if item.get("type") == "message":
            texts.extend(part.get("text", "") for part in item["content"])
        elif item.get("type") == "function_call_output":
            texts.append(item["output"])
    return texts


def test_resume_sends_the_whole_codex_conversation_from_a_new_thread(
    home: Path, codex_file: Path, scripted_server_thread: ScriptedServer
) -> None:
    before = codex_file.read_bytes()
    scripted_server_thread.enqueue(Reply.text("third answer"))
    result = lha(home, "exec", "--json", "resume", str(codex_file), "third question")
    assert result.returncode == 0, result.stderr
    assert "unreadable" not in result.stderr
    configured = json.loads(result.stdout.splitlines()[0])["msg"]
    assert configured["thread_id"] != CODEX_ID
    assert configured["forked_from_id"] == CODEX_ID
    texts = _input_texts(scripted_server_thread.last_body())
    for said in ("first question", "The command printed hi.", "second question", "Second answer."):
        assert said in texts
    assert any("Process exited with code 0" in text for text in texts)
    assert texts[-1] == "third question"
    calls = [i for i in scripted_server_thread.last_body()["input"] if i["type"] == "function_call"]
    assert calls == [
        {"type": "function_call", "call_id": "call_1", "name": "exec_command",
         "arguments": '{"cmd": "echo hi"}'}
    ]  # fmt: skip
    assert codex_file.read_bytes() == before
    new_rollout = Path(configured["rollout_path"])
    assert new_rollout.is_relative_to(home)
    assert b"third question" in new_rollout.read_bytes()


def test_fork_at_counts_codex_user_turns_like_lha(
    home: Path, codex_file: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("other answer"))
    result = lha(home, "exec", "fork", str(codex_file), "--at", "1", "instead")
    assert result.returncode == 0, result.stderr
    texts = _input_texts(scripted_server_thread.last_body())
    assert "first question" in texts and "The command printed hi." in texts
    assert "second question" not in texts
    assert texts[-1] == "instead"


def test_lost_user_message_refuses_unless_forced(
    home: Path, codex_file: Path, scripted_server_thread: ScriptedServer
) -> None:
    lines = codex_file.read_bytes().split(b"\n")
    number = next(i for i, line in enumerate(lines) if b'"text":"first question"' in line)
    lines[number] = lines[number].replace(b'"content":[', b'"content":[[')  # broken JSON
    codex_file.write_bytes(b"\n".join(lines))
    refused = lha(home, "exec", "resume", str(codex_file), "go on")
    assert refused.returncode == 2
    message = refused.stderr.strip().splitlines()
    assert len(message) == 1
    assert f"line {number + 1} holds user messages" in message[0]
    assert "--skip-unreadable" in message[0]
    assert scripted_server_thread.model_requests() == []

    scripted_server_thread.enqueue(Reply.text("went on"))
    forced = lha(home, "exec", "resume", "--skip-unreadable", str(codex_file), "go on")
    assert forced.returncode == 0, forced.stderr
    assert "second question" in _input_texts(scripted_server_thread.last_body())


def test_lha_rollout_with_an_unreadable_user_message_is_refused(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("one"))
    first = lha(home, "exec", "--json", "first question")
    rollout = Path(json.loads(first.stdout.splitlines()[0])["msg"]["rollout_path"])
    lines = rollout.read_bytes().split(b"\n")
    number = next(i for i, line in enumerate(lines) if b'"first question"' in line)
    lines[number] = lines[number].replace(b'"role":"user"', b'"role":"user","content":7,"x":')
    rollout.write_bytes(b"\n".join(lines))
    refused = lha(home, "exec", "fork", str(rollout), "--at", "0", "again")
    assert refused.returncode == 2
    assert f"line {number + 1} holds user messages" in refused.stderr


@pytest.fixture
def codex_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CODEX_HOME holding the fixture where the Codex CLI files it."""
    root = tmp_path / "codex-home"
    day = root / "sessions" / "2026" / "12" / "04"
    day.mkdir(parents=True)
    shutil.copy(
        FIXTURES / "two_turns_exec_command.jsonl",
        day / f"rollout-2026-12-04T16-26-54-{CODEX_ID}.jsonl",
    )
    monkeypatch.setenv("CODEX_HOME", str(root))
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_threads_lists_codex_sessions_and_resume_finds_them_by_id(
    home: Path, codex_home: Path, scripted_server_thread: ScriptedServer
) -> None:
    before = _snapshot(codex_home)
    scripted_server_thread.enqueue(Reply.text("lha answer"))
    assert lha(home, "exec", "an lha question").returncode == 0
    listed = lha(home, "threads", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    by_origin = {row["origin"]: row for row in rows}
    assert set(by_origin) == {"lha", "codex"}
    assert by_origin["codex"]["thread_id"] == CODEX_ID
    assert by_origin["codex"]["preview"] == "first question"
    assert "(Codex)" in lha(home, "threads").stdout

    scripted_server_thread.enqueue(Reply.text("continued"))
    resumed = lha(home, "exec", "--json", "resume", CODEX_ID[:13], "go on")
    assert resumed.returncode == 0, resumed.stderr
    configured = json.loads(resumed.stdout.splitlines()[0])["msg"]
    assert configured["forked_from_id"] == CODEX_ID
    assert "second question" in _input_texts(scripted_server_thread.last_body())
    assert _snapshot(codex_home) == before, "lha never writes under CODEX_HOME"

    config = home / "config.toml"
    config.write_text("codex_sessions = false\n" + config.read_text())
    rows = [json.loads(line) for line in lha(home, "threads", "--json").stdout.splitlines()]
    assert all(row["origin"] == "lha" for row in rows) and len(rows) == 2


def _searched(home: Path, *words: str) -> list[dict[str, object]]:
    result = lha(home, "search", "--all", "--json", *words)
    assert result.returncode in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_search_finds_codex_sessions_marked_and_never_writes_under_codex_home(
    home: Path, codex_home: Path
) -> None:
    before = _snapshot(codex_home)
    times = {p: p.stat().st_mtime_ns for p in codex_home.rglob("*")}
    [answer] = _searched(home, "printed", "hi")
    assert answer["thread_id"] == CODEX_ID and answer["origin"] == "codex"
    assert (answer["role"], answer["turn"], answer["cwd"]) == ("assistant", 0, "/tmp/cx/work1")
    [second] = _searched(home, '"second question"')
    assert (second["role"], second["turn"]) == ("user", 1)
    [tool] = _searched(home, "Process", "exited")
    assert (tool["role"], tool["turn"]) == ("tool", 0)
    # The environment context, the developer messages and the base instructions are not turns.
    for prefix_word in ("workspace_roots", "sandboxing", "AGENTS"):
        assert _searched(home, prefix_word) == [], prefix_word
    text = lha(home, "search", "--all", "printed")
    assert text.returncode == 0 and "first question (Codex)  01a241e1" in text.stdout
    assert _snapshot(codex_home) == before, "lha never writes under CODEX_HOME"
    assert {p: p.stat().st_mtime_ns for p in codex_home.rglob("*")} == times

    config = home / "config.toml"
    config.write_text("codex_sessions = false\n" + config.read_text())
    off = lha(home, "search", "--all", "printed")
    assert off.returncode == 1 and off.stdout == ""
