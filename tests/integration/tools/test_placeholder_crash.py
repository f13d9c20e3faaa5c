"""The empty ``.git``/``.lha``/``.codex`` folders lha makes at the top of a workspace for a command
outlive an lha killed mid-command; the next lha's first sandboxed command removes them, and
never a folder a live lha uses or one that holds anything."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from core.tools.placeholder_record import (
    RECORDS_SUBDIR,
    PlaceholderLedger,
    sweep_stale_placeholders,
)
from tests.integration.test_cli_exec import lha, write_config
from tests.support.killed_exec import exec_killed_mid_command
from tests.support.scripted_server import Reply, ScriptedServer

PLACEHOLDERS = {".git", ".lha", ".codex"}


@pytest.mark.usefixtures("bwrap_ok")
def test_placeholders_left_by_a_killed_lha_are_removed_by_the_next_one(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    home = tmp_path / "home"
    write_config(home, scripted_server_thread)
    ws = tmp_path / "ws"
    ws.mkdir()
    exec_killed_mid_command(
        home,
        scripted_server_thread,
        ws,
        lambda: {p.name for p in ws.iterdir()} == PLACEHOLDERS,
        "the placeholders of the running command",
    )
    assert {p.name for p in ws.iterdir()} == PLACEHOLDERS, "a crash leaves them behind"
    [record] = (home / RECORDS_SUBDIR).iterdir()
    assert stat.S_IMODE(record.stat().st_mode) == 0o600

    quick = ("call_true", "shell", json.dumps({"command": ["true"]}))
    scripted_server_thread.enqueue(Reply.tool_calls([quick]), Reply.text("done"))
    result = lha(home, "exec", "-a", "never", "run something")
    assert result.returncode == 0, result.stderr
    assert list(ws.iterdir()) == [], "the next sandboxed command swept them"
    assert list((home / RECORDS_SUBDIR).iterdir()) == []


def test_a_live_record_and_folders_that_are_not_empty_placeholders_are_kept(
    tmp_path: Path,
) -> None:
    home, ws = tmp_path / "home", tmp_path / "ws"
    ws.mkdir()
    live = PlaceholderLedger()
    live.add([ws / ".git"], home)
    (ws / ".git").mkdir()
    sweep_stale_placeholders(home)
    assert (ws / ".git").is_dir(), "its process is alive (this one)"

    dead = home / RECORDS_SUBDIR / "1-dead.txt"
    (ws / ".lha" / "skills").mkdir(parents=True)
    (ws / "plain").mkdir()
    (ws / ".codex").mkdir()
    dead.write_text(f"{ws / '.lha'}\n{ws / 'plain'}\nrelative/.git\n{ws / '.codex'}\n")
    sweep_stale_placeholders(home)
    assert {p.name for p in ws.iterdir()} == {".git", ".lha", "plain"}
    assert not dead.exists()
    live.discard([ws / ".git"])
    assert list((home / RECORDS_SUBDIR).iterdir()) == []
