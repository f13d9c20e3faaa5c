"""A thread is named on the command line by any unique beginning of its id."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_cli_exec import lha
from tests.support.scripted_server import Reply, ScriptedServer


def test_exec_resume_takes_a_unique_prefix_and_names_an_ambiguous_one(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("one"), Reply.text("forked"), Reply.text("two"))
    first = lha(home, "exec", "--json", "first question")
    thread_id = json.loads(first.stdout.splitlines()[0])["msg"]["thread_id"]
    forked = lha(home, "exec", "--json", "fork", thread_id, "--at", "1", "another")
    assert forked.returncode == 0, forked.stderr

    shown = thread_id[:13]  # what the status line and the sidebar show
    resumed = lha(home, "exec", "--json", "resume", shown, "second question")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout.splitlines()[0])["msg"]["thread_id"] == thread_id

    ambiguous = lha(home, "exec", "resume", "01", "third question")
    assert ambiguous.returncode != 0
    [line] = ambiguous.stderr.strip().splitlines()
    assert "begins 2 thread ids" in line and thread_id in line and "type more" in line

    unknown = lha(home, "exec", "resume", "ffff", "third question")
    assert unknown.returncode != 0
    [line] = unknown.stderr.strip().splitlines()
    assert "no thread with id ffff" in line
