"""MCP servers (a real stdio server written with the mcp SDK) as tools of a thread."""

from __future__ import annotations

import sys
from pathlib import Path

from core.config import McpServerConfig
from core.protocol.events import Warning
from core.protocol.ops import McpServerRefreshConfig, RefreshMcpServers
from tests.support.agent_harness import completed, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import start_tool_thread, tool_end, tool_names, tool_outputs

SERVER = str(Path(__file__).resolve().parents[2] / "support" / "mcp_test_server.py")


def server(name: str) -> McpServerConfig:
    return McpServerConfig(command=sys.executable, args=[SERVER, name], startup_timeout_sec=20)


def failing() -> McpServerConfig:
    script = "import sys; print('no such module: frobnicate', file=sys.stderr); sys.exit(2)"
    return McpServerConfig(command=sys.executable, args=["-c", script])


async def test_tools_listed_called_failures_and_refresh(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(
        tmp_path,
        scripted_server,
        "responses",
        mcp_servers={"alpha": server("alpha"), "bad": failing()},
    )
    scripted_server.enqueue(
        Reply.tool_calls(
            [
                ("m1", "mcp__alpha__echo", '{"text": "hi"}'),
                ("m2", "mcp__alpha__add", '{"a": 2, "b": 40}'),
                ("m3", "mcp__alpha__fail", '{"message": "nope"}'),
            ]
        ),
        Reply.text("used mcp"),
    )
    events = await run_turn(thread, "use the tools", within_s=30)
    assert completed(events).last_agent_message == "used mcp"
    warnings = [e.msg.message for e in events if isinstance(e.msg, Warning)]
    assert any("MCP server `bad` failed to start" in w and "frobnicate" in w for w in warnings)
    names = tool_names(scripted_server.bodies()[-2])
    assert {"shell", "apply_patch", "mcp__alpha__echo", "mcp__alpha__add"} <= set(names)
    assert not any(n.startswith("mcp__bad__") for n in names)
    assert tool_end(events, "m1").output == "alpha says: hi"
    assert tool_end(events, "m2").output == "42"
    assert not tool_end(events, "m3").success
    assert tool_outputs(scripted_server.last_body())["m1"] == "alpha says: hi"

    await thread.submit(
        RefreshMcpServers(
            config=McpServerRefreshConfig(
                mcp_servers={
                    "beta": {
                        "command": sys.executable,
                        "args": [SERVER, "beta"],
                        "startup_timeout_sec": 20,
                    },
                    "broken": {"args": []},
                }
            )
        )
    )
    scripted_server.enqueue(
        Reply.tool_calls([("m4", "mcp__beta__echo", '{"text": "yo"}')]), Reply.text("ok")
    )
    events = await run_turn(thread, "again", within_s=30)
    warnings = [e.msg.message for e in events if isinstance(e.msg, Warning)]
    assert any("mcp_servers.broken" in w and "either command" in w for w in warnings)
    names = tool_names(scripted_server.bodies()[-2])
    assert "mcp__beta__echo" in names and "mcp__alpha__echo" not in names
    assert tool_end(events, "m4").output == "beta says: yo"
    await h.manager.remove_and_close_all_threads()


async def test_a_server_that_dies_is_a_warning_and_others_keep_working(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, mcp_servers={"one": server("one"), "two": server("two")}
    )
    scripted_server.enqueue(
        Reply.tool_calls([("d1", "mcp__one__crash", "{}")]),
        Reply.tool_calls([("d2", "mcp__two__echo", '{"text": "still here"}')]),
        Reply.text("fine"),
    )
    events = await run_turn(thread, "crash one", within_s=30)
    assert not tool_end(events, "d1").success
    warnings = [e.msg.message for e in events if isinstance(e.msg, Warning)]
    assert any("MCP server `one` stopped working" in w for w in warnings)
    assert tool_end(events, "d2").output == "two says: still here"
    names = tool_names(scripted_server.last_body())
    assert "mcp__two__echo" in names and "mcp__one__echo" not in names
    session_tools = thread._agent.session.tools
    assert session_tools.mcp is not None
    await h.manager.remove_and_close_all_threads()
    assert {s.status for s in session_tools.mcp.servers.values()} <= {"stopped", "failed"}
