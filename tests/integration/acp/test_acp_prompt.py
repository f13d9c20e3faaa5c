"""``lha acp`` driven by the ACP SDK's client: initialize, a streamed prompt, stop reasons."""

from __future__ import annotations

from pathlib import Path

from acp import text_block

from tests.support.acp_client import RecordingClient, open_lha_acp
from tests.support.scripted_server import Reply, ScriptedServer


async def test_initialize_new_session_and_streamed_prompt(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("Hello from lha", reasoning="thinking hard"))
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=[text_block("hi")])
    assert response.stop_reason == "end_turn"
    assert client.text_of("agent_message_chunk") == "Hello from lha"
    assert client.text_of("agent_thought_chunk") == "thinking hard"
    stderr = (home.parent / "stderr.txt").read_text()
    assert "Traceback" not in stderr, stderr
