"""Session names: ``lha exec --name``, ``lha rename``, and resolving a name wherever an id goes."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from core.index.database import index_path
from core.session_names import names_path, read_names
from tests.integration.test_cli_exec import lha
from tests.support.scripted_server import Reply, ScriptedServer


def _thread_id(result_stdout: str) -> str:
    return str(json.loads(result_stdout.splitlines()[0])["msg"]["thread_id"])


def test_exec_name_then_resume_fork_search_and_threads_by_name(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("one"), Reply.text("two"), Reply.text("three"))
    first = lha(home, "exec", "--json", "--name", "Bird survey", "count the herons")
    assert first.returncode == 0, first.stderr
    thread_id = _thread_id(first.stdout)
    assert read_names(home) == {thread_id: "Bird survey"}
    assert stat.S_IMODE(names_path(home).stat().st_mode) == 0o600

    resumed = lha(home, "exec", "--json", "resume", "bird", "and the egrets?")
    assert resumed.returncode == 0, resumed.stderr
    assert _thread_id(resumed.stdout) == thread_id, "a unique prefix, any case, resolves"

    forked = lha(home, "exec", "--json", "fork", "Bird survey", "--at", "1", "other way")
    assert forked.returncode == 0, forked.stderr
    assert json.loads(forked.stdout.splitlines()[0])["msg"]["forked_from_id"] == thread_id

    rows = [json.loads(line) for line in lha(home, "threads", "--json").stdout.splitlines()]
    assert {r["thread_id"]: r["name"] for r in rows}[thread_id] == "Bird survey"
    hits = lha(home, "search", "herons", "--all", "--json").stdout.splitlines()
    assert {json.loads(h)["name"] for h in hits} == {"Bird survey", None}
    text = lha(home, "search", "herons", "--all").stdout
    assert "Bird survey" in text
    [by_name] = [json.loads(h) for h in lha(home, "search", "SURV*", "--json").stdout.splitlines()]
    assert (by_name["thread_id"], by_name["role"], by_name["turn"]) == (thread_id, "name", 0)
    assert by_name["snippet"] == "Bird survey"


def test_rename_later_wins_and_ambiguous_or_unknown_names_exit_2(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("a"), Reply.text("b"))
    one = _thread_id(lha(home, "exec", "--json", "--name", "alpha one", "x").stdout)
    two = _thread_id(lha(home, "exec", "--json", "y").stdout)
    renamed = lha(home, "rename", two, "alpha two")
    assert renamed.returncode == 0, renamed.stderr
    assert renamed.stdout.strip() == f"{two}  alpha two"

    ambiguous = lha(home, "exec", "resume", "alpha", "z")
    assert ambiguous.returncode == 2
    assert ambiguous.stderr.count("\n") == 1 and one in ambiguous.stderr and two in ambiguous.stderr
    unknown = lha(home, "exec", "resume", "gamma", "z")
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "session name" in unknown.stderr

    assert lha(home, "rename", "alpha one", "omega").returncode == 0
    assert read_names(home) == {one: "omega", two: "alpha two"}
    assert lha(home, "rename", "alpha", "beta").returncode == 0, "now a unique prefix"
    assert read_names(home)[two] == "beta"


@pytest.mark.parametrize(
    ("name", "needle"),
    [("", "empty"), ("two\nlines", "one line"), ("0190a1b2-0000-7000-8000-000000000000", "id")],
)
def test_bad_names_exit_2_with_one_line(home: Path, name: str, needle: str) -> None:
    result = lha(home, "exec", "--name", name, "hello")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and needle in result.stderr


def test_exec_leaves_its_turn_indexed_before_exiting(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    """``lha exec`` ends right after its turn: the live update is drained at exit, so a later
    quick search (which trusts live updates for known rollouts) sees the resumed turn."""
    scripted_server_thread.enqueue(Reply.text("first answer"), Reply.text("the shearwater"))
    thread_id = _thread_id(lha(home, "exec", "--json", "first question").stdout)
    assert lha(home, "search", "first", "--all").returncode == 0  # indexes the rollout
    assert lha(home, "exec", "resume", thread_id, "and the seabird?").returncode == 0
    connection = sqlite3.connect(index_path(home))
    [(turns,)] = connection.execute(
        "SELECT user_turns FROM sessions WHERE thread_id = ?", (thread_id,)
    ).fetchall()
    connection.close()
    assert turns == 2
    found = lha(home, "search", "shearwater", "--all", "--json")
    assert json.loads(found.stdout)["turn"] == 1
