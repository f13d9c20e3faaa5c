"""Slash commands over ACP: offered with ``available_commands_update`` and run when a prompt
starts with ``/NAME`` (compact, rename, fork, undo with a permission request, diff)."""

from __future__ import annotations

import json
from pathlib import Path

from acp import text_block
from acp.core import ClientSideConnection

from core.session_names import read_names
from tests.support.acp_client import RecordingClient, open_lha_acp
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import shell


async def say(conn: ClientSideConnection, session_id: str, text: str) -> str:
    """Send one prompt; its stop reason."""
    response = await conn.prompt(session_id=session_id, prompt=[text_block(text)])
    return response.stop_reason


async def test_commands_are_offered_and_diff_answers_without_the_model(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        assert await say(conn, session.session_id, "/diff") == "end_turn"
    (announced,) = client.of_kind("available_commands_update")
    offered = {c.name: c for c in announced.available_commands}
    assert list(offered) == ["compact", "rename", "fork", "undo", "diff"]
    assert offered["rename"].input is not None and offered["diff"].input is None
    assert "no file snapshots" in client.text_of("agent_message_chunk")
    assert scripted_server_thread.model_requests() == [], "/diff must not ask the model"


async def test_rename_names_the_session_and_tells_the_client(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        await say(conn, session.session_id, "/rename  parser rewrite ")
        await say(conn, session.session_id, "/rename")
    assert read_names(home) == {session.session_id: "parser rewrite"}
    (info,) = client.of_kind("session_info_update")
    assert info.title == "parser rewrite"
    answers = client.text_of("agent_message_chunk")
    assert "now named 'parser rewrite'" in answers and "cannot be empty" in answers
    assert scripted_server_thread.model_requests() == []


async def test_compact_with_instructions_and_with_nothing_to_compact(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("the answer is 7"), Reply.text("SUMMARY: 7"))
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        empty = await conn.new_session(cwd=str(work), mcp_servers=[])
        assert await say(conn, empty.session_id, "/compact") == "end_turn"
        assert "nothing to compact" in client.text_of("agent_message_chunk", empty.session_id)
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        await say(conn, session.session_id, "what is the answer?")
        client.clear()
        assert await say(conn, session.session_id, "/compact keep the numbers") == "end_turn"
    request = json.dumps(scripted_server_thread.last_body())
    assert "The user asks the summary to: keep the numbers" in request
    assert "context compacted · ~" in client.text_of("agent_message_chunk", session.session_id)


async def test_fork_whole_and_before_a_message_make_sessions_to_load(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("a1"), Reply.text("a2"))
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        await say(conn, session.session_id, "q1")
        await say(conn, session.session_id, "q2")
        client.clear()
        await say(conn, session.session_id, "/fork")
        await say(conn, session.session_id, "/fork 1")
        await say(conn, session.session_id, "/fork one")
        answers = client.text_of("agent_message_chunk").split("open it from the session list")
        whole_id, early_id = (
            answer.split("into session ")[1].rstrip("; ") for answer in answers[:2]
        )
        client.clear()
        await conn.load_session(cwd=str(work), session_id=early_id, mcp_servers=[])
        early_replay = client.text_of("user_message_chunk", early_id)
        await conn.load_session(cwd=str(work), session_id=whole_id, mcp_servers=[])
        whole_replay = client.text_of("user_message_chunk", whole_id)
    assert "before your message 1" in answers[1] and "the whole thread" in answers[0]
    assert "fork takes a message number" in answers[2]
    assert (early_replay, whole_replay) == ("q1", "q1q2")


async def undo_session(
    home: Path, work: Path, client: RecordingClient, server: ScriptedServer, edit_after: bool
) -> str:
    """A turn that changes notes.txt, then ``/undo`` (the file edited by hand in between when
    ``edit_after``); the text the client was given."""
    (work / "notes.txt").write_text("old\n")
    server.enqueue(Reply.tool_calls([shell("c1", "echo new > notes.txt")]), Reply.text("edited"))
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        await say(conn, session.session_id, "edit it")
        assert (work / "notes.txt").read_text() == "new\n"
        if edit_after:
            (work / "notes.txt").write_text("mine\n")
        client.clear()
        await say(conn, session.session_id, "/undo")
    return client.text_of("agent_message_chunk")


async def test_undo_asks_with_the_files_then_restores(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    client.answers = ["allow_once"]
    answer = await undo_session(home, work, client, scripted_server_thread, edit_after=False)
    assert (work / "notes.txt").read_text() == "old\n"
    (request, options) = client.permission_requests[-1]
    assert request.title == "undo turn 0: put back 1 files"
    assert [loc.path for loc in request.locations or []] == [str((work / "notes.txt").resolve())]
    assert {o.kind for o in options} == {"allow_once", "reject_once"}
    assert "undid turn 0 (1 files put back)" in answer


async def test_undo_refused_changes_nothing_and_marks_files_edited_since(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    client.answers = ["reject_once"]
    answer = await undo_session(home, work, client, scripted_server_thread, edit_after=True)
    assert (work / "notes.txt").read_text() == "mine\n"
    (request, _) = client.permission_requests[-1]
    assert "1 changed since" in (request.title or "")
    (listing,) = request.content or []
    assert "notes.txt  (changed since: your edit is overwritten)" in listing.content.text
    assert answer == "nothing was changed"
