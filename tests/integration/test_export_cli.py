"""``lha export`` on sessions recorded by real ``lha exec`` runs against the scripted server:
a shell tool call with long output, reasoning, a fork (lineage), secrets and terminal escapes."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.integration.test_cli_exec import lha
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import shell

SECRET = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0" * 2
"""Key-shaped: it must never reach an export, whichever part of the session it was in."""
ESCAPE = "\x1b]52;c;cHduZWQ=\x07\x1b[2J"
"""An OSC 52 clipboard write and a screen clear, as a hostile tool output might print them."""


def record_session(home: Path, server: ScriptedServer) -> tuple[str, str]:
    """A parent session with a tool call and reasoning, and a fork of it; their ids."""
    many_lines = "for i in $(seq 1 60); do echo line-$i; done"
    server.enqueue(
        Reply.tool_calls([shell("c1", many_lines)], reasoning="I should count to sixty."),
        Reply.text(f"Counted. Your key {SECRET} is in the env; {ESCAPE}done."),
    )
    first = lha(home, "exec", "--json", "-s", "danger-full-access", f"count please {SECRET}")
    assert first.returncode == 0, first.stderr
    parent = json.loads(first.stdout.splitlines()[0])["msg"]["thread_id"]
    server.enqueue(Reply.text("Forked answer."))
    forked = lha(home, "exec", "--json", "fork", parent, "and now in the fork")
    assert forked.returncode == 0, forked.stderr
    child = json.loads(forked.stdout.splitlines()[0])["msg"]["thread_id"]
    return parent, child


def assert_clean(document: str) -> None:
    assert SECRET not in document and "A1b2C3d4E5f6G7h8I9j0" not in document
    assert "\x1b" not in document and "\x07" not in document


def test_markdown_has_every_message_tool_call_reasoning_and_lineage(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    parent, child = record_session(home, scripted_server_thread)
    result = lha(home, "export", child)
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert_clean(md)
    assert f"# Thread {child}" in md
    assert f"- Forked from: {parent}" in md
    for text in ("count please ***", "Counted. Your key ***", "and now in the fork"):
        assert text in md
    assert "Forked answer." in md
    assert "> I should count to sixty." in md, "the reasoning summary, quoted"
    assert "### Tool call: shell" in md and "seq 1 60" in md
    assert "<details>\n<summary>output (" in md and "line-60" in md, "long output folded"
    assert "␛]52;c;" in md, "the escape is shown, inert"
    assert md.index("count please") < md.index("### Tool call") < md.index("Forked answer.")


def test_json_is_one_document_with_thread_and_items(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    parent, child = record_session(home, scripted_server_thread)
    out = home.parent / "thread.json"
    result = lha(home, "export", child, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert os.stat(out).st_mode & 0o777 == 0o600
    text = out.read_text()
    assert_clean(text)
    document = json.loads(text)
    assert set(document) == {"thread", "items"}
    assert document["thread"]["thread_id"] == child
    assert [a["thread_id"] for a in document["thread"]["lineage"]] == [parent]
    kinds = [item["kind"] for item in document["items"]]
    assert kinds == ["user", "reasoning", "tool_call", "assistant", "user", "assistant"]
    call = document["items"][2]
    assert call["tool_name"] == "shell" and "line-60" in call["output"]
    assert [item["turn"] for item in document["items"]] == [0, 0, 0, 0, 1, 1]


def test_bad_targets_and_formats_are_one_line(home: Path) -> None:
    for args, words in (
        (("export", "0190ffff"), "no thread with id"),
        (("export",), "name a session"),
        (("export", "--last"), "no past session"),
        (("export", "--last", "--format", "pdf"), "invalid choice"),
    ):
        result = lha(home, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr


def test_an_archived_session_exports_by_its_id(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("kept"))
    first = lha(home, "exec", "--json", "to be archived")
    thread_id = json.loads(first.stdout.splitlines()[0])["msg"]["thread_id"]
    assert lha(home, "archive", thread_id).returncode == 0
    result = lha(home, "export", thread_id[:13], "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["items"][0]["text"] == "to be archived"
