"""The ``update_plan`` tool: offered to the model, its plan given back as a checklist and kept
in the rollout (what the TUI and ACP show), a malformed plan answered with one line."""

from __future__ import annotations

import json
from pathlib import Path

from core.tools.plan_format import PlanStep, plan_of_output, render_plan
from tests.support.agent_harness import completed, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import start_tool_thread, tool_end, tool_names, tool_outputs

PLAN = {
    "explanation": "starting",
    "plan": [
        {"step": "read the parser", "status": "completed"},
        {"step": "fix   the bug", "status": "in_progress"},
        {"step": "add a test", "status": "pending"},
    ],
}


async def test_a_plan_is_answered_with_its_checklist_and_recorded(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    calls = [("p1", "update_plan", json.dumps(PLAN)), ("p2", "update_plan", '{"plan": [{}]}')]
    scripted_server.enqueue(Reply.tool_calls(calls), Reply.text("on it"))
    events = await run_turn(thread, "fix the parser")
    assert completed(events).last_agent_message == "on it"
    assert "update_plan" in tool_names(scripted_server.bodies()[0])
    checklist = "Plan updated:\n[x] read the parser\n[>] fix the bug\n[ ] add a test"
    assert tool_end(events, "p1").output == checklist
    bad = tool_end(events, "p2")
    assert not bad.success and bad.output == "update_plan: each step needs step: its text"
    assert tool_outputs(scripted_server.last_body())["p1"] == checklist
    await h.manager.remove_and_close_all_threads()
    rollout = next((h.home / "sessions").rglob("*.jsonl")).read_text()
    assert json.dumps(checklist) in rollout


def test_the_checklist_reads_back_as_the_plan() -> None:
    steps = [PlanStep("one", "completed"), PlanStep("two [x] three", "pending")]
    assert plan_of_output(render_plan(steps)) == steps
    assert plan_of_output("update_plan: each step needs step: its text") == []
