"""``lha acp`` driven by the ACP SDK's client: initialize, a streamed prompt, stop reasons."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

from acp import text_block

from tests.support.acp_client import RecordingClient, open_lha_acp
from tests.support.images import png_bytes
from tests.support.scripted_server import Reply, ScriptedServer

_PNG = base64.b64encode(png_bytes()).decode()


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


async def test_stop_reasons_for_output_limit_and_refusal(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(
        Reply.text("cut", finish_reason="length"),
        Reply.text("no", finish_reason="content_filter"),
        Reply.text("fine"),
    )
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        reasons = [
            (await conn.prompt(session_id=session.session_id, prompt=[text_block(p)])).stop_reason
            for p in ("long", "bad", "ok")
        ]
    assert reasons == ["max_tokens", "refusal", "end_turn"]


async def test_cancel_interrupts_a_streaming_turn(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(Reply.text("one two three four", stall_after=1, stall_s=30))
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        turn = asyncio.create_task(
            conn.prompt(session_id=session.session_id, prompt=[text_block("go")])
        )
        await asyncio.wait_for(client.first_chunk.wait(), 20)
        await conn.cancel(session_id=session.session_id)
        response = await asyncio.wait_for(turn, 20)
    assert response.stop_reason == "cancelled"
    assert client.text_of("agent_message_chunk") == "one "


async def test_an_image_for_a_text_only_model_is_refused_with_its_name(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    from acp import RequestError, image_block

    # The provider's model list says gpt-test reads text only (a model nobody describes is
    # given the image: its provider answers).
    scripted_server_thread.model_fields = {"gpt-test": {"input_modalities": ["text"]}}
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        try:
            await conn.prompt(
                session_id=session.session_id,
                prompt=[text_block("what is this?"), image_block(_PNG, "image/png")],
            )
        except RequestError as err:
            assert "gpt-test takes no images" in json.dumps(err.data)
        else:
            raise AssertionError("an image for a text-only model must be refused")
    assert scripted_server_thread.model_requests() == []


async def test_a_bad_image_is_refused_with_one_line_and_the_session_goes_on(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    from acp import RequestError, image_block

    scripted_server_thread.enqueue(Reply.text("still here"))
    stderr_path = home.parent / "stderr.txt"
    async with open_lha_acp(home, client, stderr_path) as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        try:
            await conn.prompt(
                session_id=session.session_id,
                prompt=[text_block("what is this?"), image_block("AAAA", "image/png")],
            )
        except RequestError as err:
            assert err.code == -32602
            assert "image 1 is not a PNG, JPEG, GIF or WebP image" in json.dumps(err.data)
        else:
            raise AssertionError("data that is no image must be refused")
        assert scripted_server_thread.model_requests() == []
        response = await conn.prompt(session_id=session.session_id, prompt=[text_block("hi")])
    assert response.stop_reason == "end_turn"
    assert client.text_of("agent_message_chunk") == "still here"
    assert "Traceback" not in stderr_path.read_text()
