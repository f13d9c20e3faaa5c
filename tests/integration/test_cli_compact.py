"""``lha compact`` as a user runs it: a real process, a real server, real files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_cli_exec import lha
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import Reply, ScriptedServer


def test_compact_last_prints_the_event_and_the_next_resume_uses_the_summary(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    server = scripted_server_thread
    server.enqueue(Reply.text("one"), Reply.text("A SHORT SUMMARY"), Reply.text("two"))
    assert lha(home, "exec", "first question").returncode == 0
    result = lha(home, "compact", "--json", "--last", "keep the plan")
    assert result.returncode == 0, result.stderr
    kinds = [json.loads(line)["msg"]["type"] for line in result.stdout.splitlines()]
    assert "context_compacted" in kinds and kinds[-1] == "shutdown_complete"
    assert "keep the plan" in json.dumps(server.last_body())

    resumed = lha(home, "exec", "resume", "--last", "second question")
    assert resumed.returncode == 0, resumed.stderr
    sent = json.dumps(server.last_body())
    assert "A SHORT SUMMARY" in sent and '"one"' not in sent
    assert len(server.model_requests()) == 3


def test_compact_human_output_is_one_line(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("one"), Reply.text("summary"))
    assert lha(home, "exec", "first question").returncode == 0
    result = lha(home, "compact", "--last")
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "compacted" in line]
    assert len(notes) == 1 and notes[0].startswith("context compacted: ~")


def test_compact_on_an_empty_thread_says_so_and_writes_nothing(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    path = write_rollout(home, home.parent, 0)
    before = path.read_bytes()
    result = lha(home, "compact", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        "nothing to compact: the session has no message yet"
    ]
    assert path.read_bytes() == before
    assert scripted_server_thread.model_requests() == []


def test_compact_of_an_unknown_session_is_one_line(home: Path) -> None:
    result = lha(home, "compact", "no-such-thread")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
