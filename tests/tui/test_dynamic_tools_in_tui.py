"""A thread ``lha exec --dynamic-tools`` started, resumed in the TUI: its tools cannot be answered
here, so the model is told at once and the turn goes on instead of hanging."""

from __future__ import annotations

from pathlib import Path

from core.protocol.session import DynamicToolSpec
from tests.support.agent_harness import past_session
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import tool_outputs
from tests.support.tui_harness import current_id, make_app, thread_on_screen, wait_until
from tui.start_request import StartRequest


async def test_a_resumed_threads_dynamic_tool_is_declined_and_the_turn_ends(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    spec = DynamicToolSpec(name="lookup", description="Look a word up", input_schema={})
    path = await past_session(
        tmp_path, scripted_server, "started by a script", dynamic_tools=[spec]
    )

    app = make_app(tmp_path / "home", scripted_server, tmp_path, start=StartRequest("resume", path))
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        view = thread_on_screen(app)
        scripted_server.enqueue(
            Reply.tool_calls([("c9", "lookup", '{"word": "lha"}')]), Reply.text("no lookup then")
        )
        await pilot.press(*"look it up", "enter")
        await wait_until(
            pilot, lambda: not view.running and view.transcript.entries[-1].text == "no lookup then"
        )
        notes = [e.text for e in view.transcript.entries if e.kind == "warning"]
        assert any("'lookup' is answered by the program that started" in n for n in notes)
        output = tool_outputs(scripted_server.last_body())["c9"]
        assert "not available in the terminal UI" in output
