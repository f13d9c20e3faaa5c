"""``/compact`` in the TUI: the notice where it happened (the summary, collapsed), the status
line's context figure dropping, and the thread taking the next message from the summary."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import answered, current_id, make_app, thread_on_screen, wait_until
from tui.widgets.entries import CompactionView
from tui.widgets.status_line import render_status


def _last_request_size(view_tokens: object) -> int:
    assert view_tokens is not None
    return view_tokens.last_token_usage.total_tokens  # type: ignore[attr-defined,no-any-return]


async def test_slash_compact_shows_the_summary_and_the_context_figure_drops(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    scripted_server.enqueue(
        Reply.text("a long answer", usage=(90_000, 10)),
        Reply.text("THE SUMMARY of the plan"),
        Reply.text("next answer"),
    )
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"make a plan", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: answered(view, "a long answer"))
        before = _last_request_size(view.tokens)
        status_before = str(render_status(view.status()))

        await pilot.press(*"/compact keep the plan", "enter")
        notices = lambda: [e for e in view.transcript.entries if e.kind == "compaction"]  # noqa: E731
        await wait_until(pilot, lambda: bool(notices()) and not view.running)
        [notice] = notices()
        assert notice.text == "THE SUMMARY of the plan"
        assert notice.title.startswith("context compacted · ~")
        [widget] = app.query(CompactionView)
        assert widget.collapsed
        assert _last_request_size(view.tokens) < before
        assert str(render_status(view.status())) != status_before
        assert "keep the plan" in json.dumps(scripted_server.last_body())

        await pilot.press(*"go on", "enter")
        await wait_until(pilot, lambda: answered(view, "next answer"))
        sent = json.dumps(scripted_server.last_body())
        assert "THE SUMMARY of the plan" in sent and "a long answer" not in sent
        user_entries = [e.text for e in view.transcript.entries if e.kind == "user"]
        assert user_entries == ["make a plan", "go on"], "the transcript keeps every message"


async def test_slash_compact_on_a_new_thread_says_there_is_nothing(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"/compact", "enter")
        await wait_until(
            pilot, lambda: any("nothing to compact" in str(n.message) for n in app._notifications)
        )
        assert scripted_server.model_requests() == []
