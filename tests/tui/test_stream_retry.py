"""A model stream cut mid-answer is retried: the half-shown answer goes, the retry's stays."""

from __future__ import annotations

from pathlib import Path

from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import current_id, make_app, thread_on_screen, wait_until


async def test_a_retried_stream_drops_the_half_shown_answer(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.enqueue(
        Reply.text("partial words here", cut_after=2), Reply.text("recovered fine")
    )
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        state = thread_on_screen(app)
        await wait_until(pilot, lambda: not state.running and state.has_user_message, 10)
        answers = [e.text for e in state.transcript.entries if e.kind == "assistant"]
        assert answers == ["recovered fine"]
        warnings = [e.text for e in state.transcript.entries if e.kind == "warning"]
        assert any(text.startswith("reconnecting to the model") for text in warnings)


async def test_a_warning_that_merely_says_reconnecting_drops_nothing() -> None:
    from textual.app import App, ComposeResult

    from core.protocol.events import AgentMessageDelta, Warning
    from tui.widgets.transcript import Transcript

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Transcript(id="t")

    app = Host()
    async with app.run_test() as pilot:
        transcript = app.query_one(Transcript)
        await transcript.apply(AgentMessageDelta(delta="half an answer"))
        await transcript.apply(Warning(message="reconnecting the MCP server"))
        await pilot.pause()
        kinds = [(e.kind, e.text) for e in transcript.entries]
        assert kinds == [
            ("assistant", "half an answer"),
            ("warning", "reconnecting the MCP server"),
        ]
        await transcript.apply(Warning(message="retrying", partial_output_discarded=True))
        assert [e.kind for e in transcript.entries] == ["warning", "warning"]
