"""A client that misbehaves: garbage lines, unknown methods and sessions, a second prompt while
one runs, stdin closed mid-turn. Each gets a JSON-RPC error or a clean exit; stdout carries only
JSON-RPC and the rollout keeps every line."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from acp import RequestError, text_block

from tests.support.acp_client import RecordingClient, acp_env, open_lha_acp
from tests.support.scripted_server import Reply, ScriptedServer

HOSTILE_LINES = [
    b"this is not json\n",
    b"\xff\xfe\x00garbage\n",
    b"[1, 2]\n",
    b'"a string"\n',
    b'{"jsonrpc": "2.0", "id": 5}\n',
    b'{"jsonrpc": "2.0", "id": 6, "method": "no/such/method"}\n',
    b'{"jsonrpc": "2.0", "id": 7, "method": "session/prompt", "params": {"sessionId": "nope", '
    b'"prompt": [{"type": "text", "text": "hi"}]}}\n',
    b'{"jsonrpc": "2.0", "id": 8, "method": "session/new", "params": {"cwd": 12}}\n',
    b'{"jsonrpc": "2.0", "id": 9, "method": "session/new", "params": {"cwd": "/no/such/dir", '
    b'"mcpServers": []}}\n',
    b'{"jsonrpc": "2.0", "id": 10, "method": "initialize", "params": {"protocolVersion": 1}}\n',
]


async def test_garbage_and_bad_requests_get_json_rpc_errors(tmp_path: Path, home: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tui.cli",
        "acp",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=acp_env(home),
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"".join(HOSTILE_LINES))
    answers = [json.loads(await asyncio.wait_for(process.stdout.readline(), 30)) for _ in range(10)]
    process.stdin.close()
    rest, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    assert rest == b""
    by_id = {a["id"]: a for a in answers if a["id"] is not None}
    codes = sorted(a["error"]["code"] for a in answers if a["id"] is None)
    assert codes == [-32700, -32700, -32600, -32600]
    assert by_id[5]["error"]["code"] == -32600
    assert by_id[6]["error"]["code"] == -32601
    assert "no open session 'nope'" in json.dumps(by_id[7]["error"])
    assert by_id[8]["error"]["code"] == -32602
    assert "no such folder" in by_id[9]["error"]["data"]["message"]
    assert by_id[10]["result"]["protocolVersion"] == 1
    assert b"Traceback" not in stderr, stderr.decode()


async def test_a_prompt_while_one_runs_is_refused(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("slow answer here", stall_after=1, stall_s=30))
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        first = asyncio.create_task(
            conn.prompt(session_id=session.session_id, prompt=[text_block("one")])
        )
        await asyncio.wait_for(client.first_chunk.wait(), 20)
        with pytest.raises(RequestError) as refused:
            await conn.prompt(session_id=session.session_id, prompt=[text_block("two")])
        assert "already running" in json.dumps(refused.value.data)
        await conn.cancel(session_id=session.session_id)
        assert (await asyncio.wait_for(first, 20)).stop_reason == "cancelled"


async def test_stdin_closed_mid_turn_exits_cleanly_with_the_rollout_intact(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("never finished", stall_after=1, stall_s=30))
    stderr_file = home.parent / "stderr.txt"
    async with open_lha_acp(home, client, stderr_file) as (conn, process):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        turn = asyncio.create_task(
            conn.prompt(session_id=session.session_id, prompt=[text_block("keep me")])
        )
        await asyncio.wait_for(client.first_chunk.wait(), 20)
        assert process.stdin is not None
        process.stdin.close()
        assert await asyncio.wait_for(process.wait(), 30) == 0
        turn.cancel()
    (rollout,) = (home / "sessions").rglob(f"*{session.session_id}*.jsonl")
    text = rollout.read_text()
    assert text.endswith("\n")
    lines = [json.loads(line) for line in text.splitlines()]
    assert "keep me" in json.dumps(lines)
    assert "Traceback" not in stderr_file.read_text()
