"""Tool calls over ACP: shell with permission requests answered every way, apply_patch with a
diff block, and an MCP server the client passes with ``session/new``."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

from acp import RequestError, text_block
from acp.schema import EnvVariable, HttpHeader, HttpMcpServer, McpServerStdio, SseMcpServer

from tests.support.acp_client import RecordingClient, open_lha_acp
from tests.support.scripted_server import Reply, ScriptedServer

UNTRUSTED = ("-c", "approval_policy=untrusted")
MCP_SERVER = str(Path(__file__).resolve().parents[2] / "support" / "mcp_test_server.py")


def touch(call_id: str, name: str) -> Reply:
    return Reply.tool_calls([(call_id, "shell", json.dumps({"command": ["touch", name]}))])


async def run_prompts(
    home: Path, work: Path, client: RecordingClient, prompts: int, *args: str
) -> list[str]:
    async with open_lha_acp(home, client, home.parent / "stderr.txt", *args) as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        go = [text_block("go")]
        return [
            (await conn.prompt(session_id=session.session_id, prompt=go)).stop_reason
            for _ in range(prompts)
        ]


async def test_allow_once_runs_the_command_and_reports_it(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(touch("c1", "made.txt"), Reply.text("done"))
    client.answers = ["allow_once"]
    assert await run_prompts(home, work, client, 1, *UNTRUSTED) == ["end_turn"]
    assert (work / "made.txt").exists()
    (request, options) = client.permission_requests[0]
    assert request.tool_call_id == "c1" and "touch made.txt" in (request.title or "")
    assert {o.kind for o in options} == {"allow_once", "allow_always", "reject_once"}
    (start,) = client.of_kind("tool_call")
    assert (start.tool_call_id, start.kind, start.title) == ("c1", "execute", "touch made.txt")
    (end,) = client.of_kind("tool_call_update")
    assert end.status == "completed"


async def test_reject_keeps_the_command_from_running(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(touch("c1", "made.txt"), Reply.text("ok, I will not"))
    client.answers = ["reject_once"]
    assert await run_prompts(home, work, client, 1, *UNTRUSTED) == ["end_turn"]
    assert not (work / "made.txt").exists()
    (end,) = client.of_kind("tool_call_update")
    assert end.status == "failed" and "denied" in end.raw_output


async def test_allow_always_is_not_asked_again_in_the_session(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(
        touch("c1", "made.txt"), Reply.text("one"), touch("c2", "made.txt"), Reply.text("two")
    )
    client.answers = ["allow_always"]
    assert await run_prompts(home, work, client, 2, *UNTRUSTED) == ["end_turn", "end_turn"]
    assert len(client.permission_requests) == 1
    assert [u.status for u in client.of_kind("tool_call_update")] == ["completed", "completed"]


async def test_a_cancelled_permission_request_cancels_the_turn(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(touch("c1", "made.txt"))
    client.answers = [None]
    assert await run_prompts(home, work, client, 1, *UNTRUSTED) == ["cancelled"]
    assert not (work / "made.txt").exists()


async def test_a_client_that_cannot_ask_gets_the_safe_default(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(touch("c1", "made.txt"), Reply.text("not run then"))
    client.answers = ["fail"]
    assert await run_prompts(home, work, client, 1, *UNTRUSTED) == ["end_turn"]
    assert not (work / "made.txt").exists()
    (end,) = client.of_kind("tool_call_update")
    assert end.status == "failed" and "denied" in end.raw_output


async def test_apply_patch_shows_a_diff(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    (work / "notes.txt").write_text("alpha\nbeta\n")
    patch = "*** Begin Patch\n*** Update File: notes.txt\n@@\n alpha\n-beta\n+gamma\n*** End Patch"
    scripted_server_thread.enqueue(
        Reply.tool_calls([("p1", "apply_patch", json.dumps({"input": patch}))]),
        Reply.text("patched"),
    )
    assert await run_prompts(home, work, client, 1) == ["end_turn"]
    assert (work / "notes.txt").read_text() == "alpha\ngamma\n"
    (start,) = client.of_kind("tool_call")
    assert start.kind == "edit"
    (diff,) = [c for c in start.content if c.type == "diff"]
    assert diff.path == str((work / "notes.txt").resolve())
    assert (diff.old_text, diff.new_text) == ("alpha\nbeta\n", "alpha\ngamma\n")
    (end,) = client.of_kind("tool_call_update")
    assert end.status == "completed" and end.content[0].type == "diff"


async def test_mcp_server_of_the_client_is_used(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    scripted_server_thread.enqueue(
        Reply.tool_calls([("m1", "mcp__helper__echo", json.dumps({"text": "hi"}))]),
        Reply.text("echoed"),
    )
    server = McpServerStdio(
        name="helper",
        command=sys.executable,
        args=[MCP_SERVER, "helper"],
        env=[EnvVariable(name="UNUSED_BY_THE_SERVER", value="1")],
    )
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[server])
        response = await conn.prompt(session_id=session.session_id, prompt=[text_block("echo")])
    assert response.stop_reason == "end_turn"
    (start,) = client.of_kind("tool_call")
    assert start.title == "echo (MCP helper)"
    (end,) = client.of_kind("tool_call_update")
    assert end.status == "completed" and "helper says: hi" in end.raw_output


async def test_shell_output_streams_as_throttled_updates(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    script = "for i in $(seq 1 30); do echo line$i; sleep 0.02; done"
    command = json.dumps({"command": ["bash", "-c", script]})
    scripted_server_thread.enqueue(Reply.tool_calls([("s1", "shell", command)]), Reply.text("ok"))
    assert await run_prompts(home, work, client, 1) == ["end_turn"]
    timed = [(t, u) for t, (_, u) in zip(client.arrivals, client.updates, strict=True)]
    live = [(t, u) for t, u in timed if u.session_update == "tool_call_update"]
    *running, (ended_at, end) = live
    assert end.status == "completed" and "line30" in end.raw_output
    texts = [u.content[0].content.text for _, u in running]
    assert len(running) >= 3 and all(u.status == "in_progress" for _, u in running)
    assert "line1\n" in texts[0] and "line30" not in texts[0], "output must come as it is made"
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(texts))
    started_at = next(t for t, u in timed if u.session_update == "tool_call")
    assert len(running) <= (ended_at - started_at) / 0.05 + 2, "at most one update per 50 ms"


async def test_http_mcp_server_of_the_client_is_reached_with_its_headers(
    home: Path,
    work: Path,
    client: RecordingClient,
    scripted_server_thread: ScriptedServer,
    http_server_url: str,
) -> None:
    scripted_server_thread.enqueue(
        Reply.tool_calls([("w1", "mcp__web__whoami", "{}")]), Reply.text("that is you")
    )
    web = HttpMcpServer(
        type="http",
        name="web",
        url=http_server_url,
        headers=[HttpHeader(name="Authorization", value="Bearer tok-from-the-editor")],
    )
    old = SseMcpServer(type="sse", name="old", url=http_server_url, headers=[])
    stderr = home.parent / "stderr.txt"
    async with open_lha_acp(home, client, stderr) as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[web, old])
        response = await conn.prompt(session_id=session.session_id, prompt=[text_block("who?")])
    assert response.stop_reason == "end_turn"
    (end,) = client.of_kind("tool_call_update")
    assert end.raw_output == "client=lha authorization=Bearer tok-from-the-editor"
    log = stderr.read_text()
    assert "MCP server 'old' left out" in log and "not sse" in log
    assert "tok-from-the-editor" not in log
    assert "tok-from-the-editor" not in (home / "config.toml").read_text()


async def test_a_client_mcp_url_that_is_not_http_is_refused_in_one_line(
    home: Path, work: Path, client: RecordingClient
) -> None:
    bad = HttpMcpServer(type="http", name="web", url="ftp://example.com/mcp", headers=[])
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        try:
            await conn.new_session(cwd=str(work), mcp_servers=[bad])
        except RequestError as err:
            assert "'web': its url must start with http://" in json.dumps(err.data)
        else:
            raise AssertionError("an ftp:// MCP server must be refused")


async def test_a_plan_is_a_plan_update_live_and_on_load(
    home: Path, work: Path, client: RecordingClient, scripted_server_thread: ScriptedServer
) -> None:
    steps = [{"step": "read", "status": "completed"}, {"step": "write", "status": "in_progress"}]
    plan_call = ("p1", "update_plan", json.dumps({"plan": steps}))
    scripted_server_thread.enqueue(Reply.tool_calls([plan_call]), Reply.text("planned"))
    async with open_lha_acp(home, client, home.parent / "stderr.txt") as (conn, _):
        session = await conn.new_session(cwd=str(work), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=[text_block("plan it")])
        live = client.of_kind("plan")
        assert not {"tool_call", "tool_call_update"} & set(client.kinds()), "not a tool call"
        client.clear()
        await conn.load_session(cwd=str(work), session_id=session.session_id, mcp_servers=[])
        replayed = client.of_kind("plan")
    for updates in (live, replayed):
        (plan,) = updates
        assert [(e.content, e.status) for e in plan.entries] == [
            ("read", "completed"),
            ("write", "in_progress"),
        ]
