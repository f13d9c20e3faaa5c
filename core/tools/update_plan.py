"""The ``update_plan`` tool: the model keeps a short checklist of its task's steps.

The Codex CLI gives its models this tool (steps with status pending, in_progress or
completed); lha offers the same so a model trained on it can show its plan. The call changes
nothing: it is recorded like any call, and the UIs show it as a plan (the TUI as a checklist
entry, ACP as a ``plan`` update); its output is the plan as ``core.tools.plan_format`` writes it.
"""

from __future__ import annotations

import json
from typing import cast

from core.llm.request import ToolSpec
from core.tools.invocation import ToolInvocation, ToolResult
from core.tools.plan_format import (
    PLAN_TOOL_NAME,
    STATUS_MARKS,
    PlanStep,
    StepStatus,
    render_plan,
)

DESCRIPTION = """\
Keep a plan of the task: its steps, each with a status (pending, in_progress or completed). \
Call it when a task takes several steps: first with the whole plan, then again with the plan's \
new state each time a step starts or is done. At most one step is in_progress. The user sees \
the plan; skip it for a simple question."""


class PlanError(ValueError):
    """The arguments are not a plan (said in one line the model can act on)."""


def update_plan_spec() -> ToolSpec:
    return ToolSpec(
        name=PLAN_TOOL_NAME,
        description=DESCRIPTION,
        parameters={
            "type": "object",
            "properties": {
                "explanation": {"type": "string", "description": "Why the plan changed."},
                "plan": {
                    "type": "array",
                    "description": "Every step of the plan, in order.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "step": {"type": "string"},
                            "status": {"type": "string", "enum": list(STATUS_MARKS)},
                        },
                        "required": ["step", "status"],
                        "additionalProperties": False,
                    },
                },
            },
            "required": ["plan"],
            "additionalProperties": False,
        },
    )


def parse_plan(arguments: str) -> list[PlanStep]:
    """The steps of an ``update_plan`` call's JSON arguments."""
    try:
        parsed = json.loads(arguments)
    except ValueError as err:
        raise PlanError(f"the arguments are not JSON ({err})") from None
    plan = parsed.get("plan") if isinstance(parsed, dict) else None
    if not isinstance(plan, list):
        raise PlanError("give plan: a list of {step, status} objects")
    return [_step(item) for item in plan]


def _step(item: object) -> PlanStep:
    step = item.get("step") if isinstance(item, dict) else None
    status = item.get("status") if isinstance(item, dict) else None
    if not isinstance(step, str) or not step.strip():
        raise PlanError("each step needs step: its text")
    if status not in STATUS_MARKS:
        raise PlanError(f"a step's status is one of {', '.join(STATUS_MARKS)}, not {status!r}")
    return PlanStep(step=" ".join(step.split()), status=cast("StepStatus", status))


async def handle_update_plan(inv: ToolInvocation) -> ToolResult:
    try:
        steps = parse_plan(inv.call.payload.arguments)
    except PlanError as err:
        return ToolResult.error(f"update_plan: {err}")
    return ToolResult(output=render_plan(steps), success=True)
