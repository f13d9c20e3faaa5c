"""How an ``update_plan`` call's plan is written as its output, and read back.

The output is the plan as a checklist, one step a line, so a transcript read back from a
rollout (which keeps a call's output, not its arguments) shows the plan too. Plain data only:
the TUI's transcript model reads it before any pydantic model is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PLAN_TOOL_NAME = "update_plan"
OUTPUT_HEADING = "Plan updated:"

StepStatus = Literal["pending", "in_progress", "completed"]
STATUS_MARKS: dict[StepStatus, str] = {"completed": "[x]", "in_progress": "[>]", "pending": "[ ]"}


@dataclass(frozen=True)
class PlanStep:
    """One step of the plan ``update_plan`` shows, with its status."""

    step: str
    status: StepStatus


def render_plan(steps: list[PlanStep]) -> str:
    lines = [f"{STATUS_MARKS[s.status]} {s.step}" for s in steps]
    return "\n".join([OUTPUT_HEADING, *lines])


def plan_of_output(output: str) -> list[PlanStep]:
    """The steps of a recorded ``update_plan`` output (``render_plan``'s text); [] for another
    text (a failed call)."""
    lines = output.splitlines()
    if not lines or lines[0] != OUTPUT_HEADING:
        return []
    by_mark = {mark: status for status, mark in STATUS_MARKS.items()}
    return [
        PlanStep(step=line[4:], status=by_mark[line[:3]])
        for line in lines[1:]
        if line[:3] in by_mark and line[3:4] == " "
    ]
