"""``lha search`` as a user runs it: a real process on real rollouts in a temporary LHA_HOME."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.index.database import index_path
from tests.support.agent_harness import make_harness, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.unit.index.helpers import append_turn, new_rollout
from tui.cli import main


def lha_search(home: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LHA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "search", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=cwd,
    )


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A home with a session in ``proj`` (two turns) and one in ``other``."""
    home, proj, other = tmp_path / "home", tmp_path / "proj", tmp_path / "other"
    proj.mkdir()
    other.mkdir()
    path = new_rollout(home, proj)
    append_turn(path, "set up the heron pipeline", "Done: heron configured.")
    append_turn(path, "now test it", "All green.", tool_output="ran 12 heron tests")
    append_turn(new_rollout(home, other), "a heron elsewhere", "ok")
    return home, proj, other


def test_text_output_one_line_per_session_plain_when_piped(
    library: tuple[Path, Path, Path],
) -> None:
    home, proj, _ = library
    result = lha_search(home, "heron", cwd=proj)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, "only this folder's sessions without --all"
    assert lines[0].startswith("set up the heron pipeline  ")
    assert "  #0 " in lines[0] and "heron" in lines[0]
    assert "\x1b" not in result.stdout
    assert result.stderr == ""
    assert len(lha_search(home, "heron", "--all", cwd=proj).stdout.splitlines()) == 2


def test_json_output_has_the_documented_keys(library: tuple[Path, Path, Path]) -> None:
    home, proj, _ = library
    result = lha_search(home, "tests", "--json", cwd=proj)
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"thread_id", "path", "name", "cwd", "updated_at", "turn", "role", "snippet"} <= set(row)
    assert row["name"] is None and row["cwd"] == str(proj)
    assert (row["turn"], row["role"]) == (1, "tool")
    assert "tests" in row["snippet"] and len(row["snippet"]) <= 200
    assert Path(row["path"]).is_file()


def test_no_hit_exits_1_with_a_hint(library: tuple[Path, Path, Path]) -> None:
    home, proj, _ = library
    result = lha_search(home, "albatross", cwd=proj)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1 and "--all" in result.stderr


@pytest.mark.parametrize("query", ['"', "AND", "*", '"heron', "heron AND", "NOT heron*"])
def test_bad_queries_never_trace_back(library: tuple[Path, Path, Path], query: str) -> None:
    home, proj, _ = library
    result = lha_search(home, query, cwd=proj)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1, 2)
    if result.returncode == 2:
        assert result.stderr.count("\n") == 1 and "quoted phrase" in result.stderr
    if query in ('"heron', "heron AND"):
        assert result.returncode == 0, "an open quote or a bare AND still finds the word"


def test_nul_in_a_query_is_a_separator(
    library: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home, proj, _ = library
    monkeypatch.setenv("LHA_HOME", str(home))
    monkeypatch.chdir(proj)
    assert main(["search", "heron\x00pipeline"]) == 0
    assert "heron" in capsys.readouterr().out


def test_terminal_output_highlights_the_match(library: tuple[Path, Path, Path]) -> None:
    home, proj, _ = library
    leader, follower = pty.openpty()
    env = {**os.environ, "LHA_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "search", "pipeline"],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
        cwd=proj,
    )
    os.close(follower)
    assert process.wait(timeout=60) == 0
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert b"\x1b[1;33mpipeline\x1b[0m" in output


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")
def test_read_only_home_searches_from_memory_with_one_warning(
    library: tuple[Path, Path, Path],
) -> None:
    home, proj, _ = library
    env = {**os.environ, "LHA_HOME": str(home)}
    command = [sys.executable, "-m", "tui.cli", "search", "heron", "--all"]
    result = subprocess.run(
        ["bwrap", "--dev-bind", "/", "/", "--ro-bind", str(home), str(home), *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=proj,
    )
    if "bwrap:" in result.stderr:
        pytest.skip(result.stderr.strip())
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr.count("\n") == 1 and "memory" in result.stderr
    assert not index_path(home).exists()


def test_rollout_vanishing_after_indexing_gives_one_line(
    library: tuple[Path, Path, Path],
) -> None:
    home, proj, _ = library
    assert lha_search(home, "heron", cwd=proj).returncode == 0
    # Make the indexed line unreadable where the index expects it (as if the file vanished
    # between the refresh and the snippet): the refresh sees an unchanged size and mtime.
    [path] = [p for p in (home / "sessions").rglob("*.jsonl") if "pipeline" in p.read_text()]
    stat = path.stat()
    path.write_bytes(b" " * stat.st_size)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = lha_search(home, "heron", cwd=proj)
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 2, result.stderr  # the skipped file, then no hit
    assert "disappeared" in result.stderr


async def test_a_live_thread_is_indexed_after_each_turn(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    harness = make_harness(tmp_path, scripted_server)
    scripted_server.enqueue(Reply.text("The cormorant answer."))
    started = await harness.manager.start_thread(harness.config)
    await run_turn(started.thread, "tell me about the cormorant")
    database = index_path(harness.config.lha_home)
    deadline = time.monotonic() + 10
    rows = 0
    while time.monotonic() < deadline and rows < 2:
        if database.exists():
            connection = sqlite3.connect(database)
            try:
                rows = connection.execute("SELECT count(*) FROM messages").fetchone()[0]
            except sqlite3.OperationalError:
                rows = 0
            connection.close()
        await asyncio.sleep(0.05)
    await harness.manager.remove_and_close_all_threads()
    assert rows == 2, "the user message and the answer, indexed without any search"


def test_a_session_lha_exec_made_is_found_by_the_next_search(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    """``lha exec`` does not wait to index a rollout it created (a new thread, a fork): the
    next search lists it as a new file and finds every turn in it."""
    from tests.integration.test_cli_exec import lha

    scripted_server_thread.enqueue(Reply.text("The grebe answer."))
    first = lha(home, "exec", "tell me about the grebe")
    assert first.returncode == 0, first.stderr
    scripted_server_thread.enqueue(Reply.text("The dabchick answer."))
    (rollout,) = (home / "sessions").rglob("rollout-*.jsonl")
    fork = lha(home, "exec", "fork", str(rollout), "and the dabchick?")
    assert fork.returncode == 0, fork.stderr
    assert not index_path(home).exists(), "exec indexed a rollout it made itself"
    found = lha_search(home, "grebe", "--all", "--json", cwd=home)
    assert found.returncode == 0, found.stderr
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert len({hit["thread_id"] for hit in hits}) == 2  # the session and its fork
    assert lha_search(home, "dabchick", "--all", cwd=home).returncode == 0
