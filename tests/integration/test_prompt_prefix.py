"""The prefix the TUI has the embedded model evaluate ahead of time is exactly how a new
thread's first request begins: the same instructions, initial context and tools, in order."""

from __future__ import annotations

from pathlib import Path

from core.agent.prompt_prefix import new_thread_prompt_prefix
from core.llm.wire_chat import build_body
from core.protocol.session import SessionSource
from tests.support.agent_harness import make_harness, run_turn
from tests.support.scripted_server import ScriptedServer


async def test_the_primed_prefix_starts_the_first_request(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    (h.config.cwd / "AGENTS.md").write_text("Run the tests with pytest.\n")
    prefix_request = await new_thread_prompt_prefix(
        h.config, "gpt-test", h.manager.skills_manager(), SessionSource.CLI
    )
    new = await h.manager.start_thread(h.config)
    await run_turn(new.thread, "hello")
    first = scripted_server.bodies()[0]
    prefix = build_body(prefix_request)
    count = len(prefix["messages"])
    assert count == 4, "instructions, permissions, AGENTS.md, environment"
    assert prefix["messages"] == first["messages"][:count]
    assert first["messages"][count]["content"] == "hello"
    assert prefix["tools"] == first["tools"] and len(prefix["tools"]) == 3
    assert prefix["tool_choice"] == first["tool_choice"]
    assert prefix["parallel_tool_calls"] == first["parallel_tool_calls"]
    await h.manager.remove_and_close_all_threads()
