"""The model's plan in the TUI: an ``update_plan`` call is a small checklist entry, not a tool
call, live and when the transcript is read back from the rollout's events."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import answered, current_id, make_app, thread_on_screen, wait_until
from tui.transcript_model import entry_for_payload
from tui.widgets.entries import PlanView, ToolCallView

STEPS = [
    {"step": "read the code", "status": "completed"},
    {"step": "change it", "status": "in_progress"},
    {"step": "test it", "status": "pending"},
]
CHECKLIST = "Plan updated:\n[x] read the code\n[>] change it\n[ ] test it"


async def test_a_plan_is_shown_as_a_checklist(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    plan_call = ("p1", "update_plan", json.dumps({"plan": STEPS}))
    scripted_server.enqueue(Reply.tool_calls([plan_call]), Reply.text("planned"))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press(*"make a plan", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: answered(view, "planned"))
        [plan] = app.query(PlanView)
        shown = str(plan.render())
        assert shown == "plan\n[x] read the code\n[>] change it\n[ ] test it"
        assert not app.query(ToolCallView), "a plan is not a tool call"
        assert [e.kind for e in view.transcript.entries] == ["user", "plan", "assistant"]


def test_a_recorded_plan_reads_back_as_a_plan_entry() -> None:
    payload = {"type": "tool_call_end", "call_id": "p1", "tool_name": "update_plan"}
    entry = entry_for_payload({**payload, "output": CHECKLIST})
    assert entry is not None and (entry.kind, entry.text) == ("plan", CHECKLIST)
    failed = entry_for_payload({**payload, "output": "update_plan: give plan", "success": False})
    assert failed is not None and failed.kind == "tool" and not failed.success
