"""MCP over streamable HTTP (the SDK's own server side on 127.0.0.1) and the Codex CLI's
``[mcp_servers.X]`` keys: ``url``, ``bearer_token_env_var``, ``http_headers``, ``enabled``,
``enabled_tools``; lha names itself in ``clientInfo``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.config import McpServerConfig
from core.protocol.events import Warning
from tests.support.agent_harness import completed, run_turn
from tests.support.mcp_http_server import SERVER, free_port
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import start_tool_thread, tool_end, tool_names, tool_outputs


async def test_http_server_tools_bearer_token_and_client_info(
    tmp_path: Path,
    scripted_server: ScriptedServer,
    http_server_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LHA_TEST_MCP_TOKEN", "tok-123")
    servers = {
        "web": McpServerConfig(
            url=http_server_url,
            bearer_token_env_var="LHA_TEST_MCP_TOKEN",
            http_headers={"X-Team": "blue"},
            enabled_tools=["whoami", "add"],
            startup_timeout_sec=20,
        ),
        "off": McpServerConfig(command=sys.executable, args=[SERVER, "off"], enabled=False),
        "nokey": McpServerConfig(url=http_server_url, bearer_token_env_var="LHA_TEST_UNSET_VAR"),
        "down": McpServerConfig(url=f"http://127.0.0.1:{free_port()}/mcp", startup_timeout_sec=5),
    }
    h, thread = await start_tool_thread(tmp_path, scripted_server, "responses", mcp_servers=servers)
    calls = [("w1", "mcp__web__whoami", "{}"), ("w2", "mcp__web__add", '{"a": 1, "b": 2}')]
    scripted_server.enqueue(Reply.tool_calls(calls), Reply.text("done"))
    events = await run_turn(thread, "who am I?", within_s=30)
    assert completed(events).last_agent_message == "done"
    names = [n for n in tool_names(scripted_server.bodies()[0]) if n.startswith("mcp__")]
    assert sorted(names) == ["mcp__web__add", "mcp__web__whoami"]
    assert tool_end(events, "w1").output == "client=lha authorization=Bearer tok-123"
    outputs = tool_outputs(scripted_server.last_body())
    assert outputs == {"w1": "client=lha authorization=Bearer tok-123", "w2": "3"}
    warnings = [e.msg.message for e in events if isinstance(e.msg, Warning)]
    assert any("`nokey`" in w and "LHA_TEST_UNSET_VAR, which is not set" in w for w in warnings)
    assert not any("`off`" in w for w in warnings)
    down = [w for w in warnings if "`down`" in w]
    assert len(down) == 1 and "failed to start" in down[0] and "\n" not in down[0]
    assert "tok-123" not in " ".join(warnings)
    await h.manager.remove_and_close_all_threads()


def test_url_and_command_are_one_or_the_other() -> None:
    with pytest.raises(ValueError, match="either command"):
        McpServerConfig(command="x", url="http://127.0.0.1:1/mcp")
    with pytest.raises(ValueError, match="either command"):
        McpServerConfig()
    with pytest.raises(ValueError, match="http://"):
        McpServerConfig(url="ftp://example.com/mcp")
