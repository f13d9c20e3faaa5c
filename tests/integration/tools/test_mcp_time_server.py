"""A real MCP server nobody here wrote, over stdio: ``mcp-server-time`` from PyPI (a test
dependency). Listed by ``lha mcp list``, one tool called end to end with the scripted model, and
its real output in the next request."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.config import McpServerConfig
from tests.integration.test_cli_exec import lha, write_config
from tests.support.agent_harness import completed, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import start_tool_thread, tool_end, tool_outputs

pytest.importorskip("mcp_server_time", reason="the test extra installs mcp-server-time")

TIME_SERVER = [sys.executable, "-m", "mcp_server_time", "--local-timezone", "UTC"]


def _time_server() -> McpServerConfig:
    return McpServerConfig(command=TIME_SERVER[0], args=TIME_SERVER[1:], startup_timeout_sec=30)


async def test_a_time_tool_called_end_to_end(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, "responses", mcp_servers={"time": _time_server()}
    )
    args = json.dumps({"timezone": "Asia/Tokyo"})
    scripted_server.enqueue(
        Reply.tool_calls([("t1", "mcp__time__get_current_time", args)]), Reply.text("noted")
    )
    events = await run_turn(thread, "what time is it in Tokyo?", within_s=60)
    assert completed(events).last_agent_message == "noted"
    end = tool_end(events, "t1")
    assert end.success, end.output
    answer = json.loads(end.output)
    assert answer["timezone"] == "Asia/Tokyo"
    told = datetime.fromisoformat(answer["datetime"])
    now = datetime.now(ZoneInfo("Asia/Tokyo"))
    assert abs((now - told).total_seconds()) < 120
    assert tool_outputs(scripted_server.last_body())["t1"] == end.output
    await h.manager.remove_and_close_all_threads()


def test_mcp_list_shows_the_time_server_and_an_http_one(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    home = tmp_path / "home"
    write_config(home, scripted_server_thread)
    with (home / "config.toml").open("a") as config:
        config.write(
            f"[mcp_servers.time]\ncommand = {json.dumps(TIME_SERVER[0])}\n"
            f"args = {json.dumps(TIME_SERVER[1:])}\nstartup_timeout_sec = 30\n"
            '[mcp_servers.off]\nurl = "http://127.0.0.1:9/mcp"\nenabled = false\n'
        )
    result = lha(home, "mcp", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["time"]["status"] == "ready" and rows["time"]["transport"] == "stdio"
    assert "mcp__time__get_current_time" in [t["qualified_name"] for t in rows["time"]["tools"]]
    assert (rows["off"]["status"], rows["off"]["transport"]) == ("disabled", "http")
