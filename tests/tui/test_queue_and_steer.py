"""A message sent while a turn runs is queued (shown dimmed, editable and cancellable) and goes
when the turn ends; Ctrl+S sends it to the running turn now, between its tool calls."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import WAIT_FOR_GO, shell
from tests.support.tui_harness import (
    answered,
    app_config,
    current_id,
    fixed_clock,
    thread_on_screen,
    wait_until,
)
from tui.app import LhaApp
from tui.widgets.composer import Composer
from tui.widgets.queued import QueuedMessage, QueuedMessages

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


async def test_queued_messages_can_be_edited_cancelled_and_go_when_the_turn_ends(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    # The answer stalls until the test interrupts it (Esc): the turn runs as long as needed.
    scripted_server.enqueue(Reply.text("slow answer here", stall_after=1, stall_s=60))
    config = app_config(tmp_path / "home", scripted_server, tmp_path)
    patient = config.model_provider.model_copy(update={"stream_idle_timeout_ms": 120_000})
    app = LhaApp(config.model_copy(update={"model_provider": patient}), clock=fixed_clock)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"first", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: view.running)
        await pilot.press(*"second", "enter")
        await pilot.press(*"third", "enter")
        await wait_until(pilot, lambda: [m.text for m in view.queued] == ["second", "third"])
        queue = app.query_one(QueuedMessages)
        await wait_until(pilot, lambda: len(queue.query(QueuedMessage)) == 2)
        assert queue.display

        await pilot.click(queue.query(QueuedMessage)[1])
        await pilot.press("x")
        assert [m.text for m in view.queued] == ["second"], "cancelled"
        await wait_until(pilot, lambda: len(queue.query(QueuedMessage)) == 1)
        queue.query_one(QueuedMessage).focus()
        await pilot.press("e")
        composer = app.query_one(Composer)
        assert [m.text for m in view.queued] == [] and composer.text == "second", (
            "taken back to edit"
        )
        await pilot.press(*" edited", "enter")
        await wait_until(pilot, lambda: [m.text for m in view.queued] == ["second edited"])
        assert view.running, "still the first turn"
        await pilot.press("escape")  # the turn ends (interrupted): the queue goes on

        await wait_until(pilot, lambda: answered(view, "echo: second edited"), within_s=10)
        users = [e.text for e in view.transcript.entries if e.kind == "user"]
        assert users == ["first", "second edited"], "sent after the turn, in order, once"
        assert not queue.display


@needs_bwrap
async def test_ctrl_s_steers_the_running_turn_between_tool_calls(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    config = app_config(tmp_path / "home", scripted_server, tmp_path).model_copy(
        update={"approval_policy": "never"}
    )
    scripted_server.enqueue(
        Reply.tool_calls([shell("call_wait", WAIT_FOR_GO)]), Reply.text("took it into account")
    )
    app = LhaApp(config, clock=fixed_clock)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"do a thing", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: any(e.kind == "tool" for e in view.transcript.entries))
        await pilot.press(*"also this", "enter")
        await wait_until(pilot, lambda: [m.text for m in view.queued] == ["also this"])
        await pilot.press("ctrl+s")
        assert [m.text for m in view.queued] == []
        (tmp_path / "go").touch()  # the tool call under way ends only now
        await wait_until(pilot, lambda: answered(view, "took it into account"), within_s=10)
        kinds = [(e.kind, e.text) for e in view.transcript.entries]
        steer_at = kinds.index(("user", "also this"))
        assert kinds[steer_at - 1][0] == "tool", "shown in its place, after the tool call"
        assert scripted_server.model_requests and len(scripted_server.bodies()) == 2
        last = scripted_server.bodies()[-1]["messages"][-1]
        assert last == {"role": "user", "content": "also this"}
