"""ACP sessions are lha threads: load replays a rollout, fork/resume/list map onto lha's, the
model option switches the model the picker's way, and ``lha threads`` lists what ACP made."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from acp import text_block

from tests.support.acp_client import RecordingClient, acp_env, open_lha_acp
from tests.support.scripted_server import Reply, ScriptedServer


async def make_thread(home: Path, work: Path, prompts: list[str]) -> str:
    """A thread with these prompts, made over ACP by a process that has exited since."""
    client = RecordingClient()
    async with open_lha_acp(home, client, home.parent / "make.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        for prompt in prompts:
            await conn.prompt(session_id=session.session_id, prompt=[text_block(prompt)])
    return session.session_id


async def test_load_replays_the_history(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(
        Reply.text("first answer", reasoning="pondering"), Reply.text("second answer")
    )
    session_id = await make_thread(home, work, ["first question", "second question"])
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        await conn.load_session(cwd=str(work), session_id=session_id, mcp_servers=[])
        replayed = list(client.updates)
        response = await conn.prompt(session_id=session_id, prompt=[text_block("third")])
    kinds = [u.session_update for _, u in replayed]
    assert kinds[:5] == [
        "user_message_chunk",
        "agent_thought_chunk",
        "agent_message_chunk",
        "user_message_chunk",
        "agent_message_chunk",
    ]
    assert [u.content.text for _, u in replayed[:5]] == [
        "first question",
        "pondering",
        "first answer",
        "second question",
        "second answer",
    ]
    assert response.stop_reason == "end_turn"
    assert "second question" in json.dumps(scripted_server_thread.last_body())


async def test_load_of_an_unknown_session_is_an_error(
    home: Path, work: Path, client: RecordingClient
) -> None:
    from acp import RequestError

    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        try:
            await conn.load_session(
                cwd=str(work), session_id="01a2b3c4-0000-7000-8000-000000000000", mcp_servers=[]
            )
        except RequestError as err:
            assert "01a2b3c4" in str(err.data) or "01a2b3c4" in str(err)
        else:
            raise AssertionError("loading a session that does not exist must fail")


async def test_fork_before_a_user_message_and_whole(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("a1"), Reply.text("a2"))
    source = await make_thread(home, work, ["q1", "q2"])
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        early = await conn.fork_session(session_id=source, cwd=str(work), nthUserMessage=1)
        await conn.prompt(session_id=early.session_id, prompt=[text_block("q2 again")])
        early_body = json.dumps(scripted_server_thread.last_body())
        whole = await conn.fork_session(session_id=source, cwd=str(work))
        await conn.prompt(session_id=whole.session_id, prompt=[text_block("q3")])
        whole_body = json.dumps(scripted_server_thread.last_body())
        listed = await conn.list_sessions(cwd=str(work))
    assert len({source, early.session_id, whole.session_id}) == 3
    assert "q1" in early_body and '"q2"' not in early_body
    assert '"q2"' in whole_body
    assert {source, early.session_id, whole.session_id} <= {s.session_id for s in listed.sessions}


async def test_resume_continues_without_replay(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("a1"), Reply.text("a2"))
    source = await make_thread(home, work, ["remember 7"])
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        await conn.resume_session(session_id=source, cwd=str(work))
        await conn.prompt(session_id=source, prompt=[text_block("what number?")])
    assert "user_message_chunk" not in client.kinds()
    assert "remember 7" in json.dumps(scripted_server_thread.last_body())


async def test_model_option_switches_the_model_like_the_picker(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.models = ["gpt-test", "gpt-other"]
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        (model,) = [o for o in session.config_options or [] if o.id == "model"]
        assert model.current_value == "gpt-test"
        assert {"gpt-test", "gpt-other"} <= {c.value for c in model.options}
        answer = await conn.set_config_option(
            config_id="model", session_id=session.session_id, value="gpt-other"
        )
        await conn.prompt(session_id=session.session_id, prompt=[text_block("hi")])
    assert scripted_server_thread.last_body()["model"] == "gpt-other"
    (model,) = [o for o in answer.config_options if o.id == "model"]
    assert model.current_value == "gpt-other"
    assert 'model = "gpt-other"' in (home / "config.toml").read_text()


async def test_acp_threads_are_listed_by_lha_threads(
    home: Path, work: Path, scripted_server_thread: ScriptedServer
) -> None:
    session_id = await make_thread(home, work, ["made in an editor"])
    listed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tui.cli", "threads", "--json"],
        capture_output=True,
        text=True,
        env=acp_env(home),
        timeout=60,
        check=True,
    )
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert any(json.dumps(row).find(session_id) >= 0 for row in rows), listed.stdout
    assert "acp" in listed.stdout


async def test_reasoning_effort_option_reaches_the_request(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.models = ["gpt-oss-20b"]  # a catalog model with reasoning efforts
    async with open_lha_acp(home, client, home.parent / "stderr.txt", "-m", "gpt-oss-20b") as (
        conn,
        _,
    ):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        (effort,) = [o for o in session.config_options or [] if o.id == "reasoning_effort"]
        assert [c.value for c in effort.options] == ["low", "medium", "high"]
        await conn.set_config_option(
            config_id="reasoning_effort", session_id=session.session_id, value="high"
        )
        await conn.prompt(session_id=session.session_id, prompt=[text_block("think")])
    assert scripted_server_thread.last_body()["reasoning_effort"] == "high"
    assert 'model_reasoning_effort = "high"' in (home / "config.toml").read_text()
