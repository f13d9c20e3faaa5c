"""The model's plan (its ``update_plan`` calls) as ACP ``plan`` updates.

A client shows a plan as its own checklist, so an ``update_plan`` call is sent as a ``plan``
update instead of a tool call: at the call's start when live (from its arguments), and from the
recorded output when a session is loaded. lha's steps have no priority; all are "medium".
"""

from __future__ import annotations

from acp import plan_entry, update_plan
from acp.schema import AgentPlanUpdate

from core.tools.plan_format import PlanStep, plan_of_output
from core.tools.update_plan import PlanError, parse_plan


def plan_update(steps: list[PlanStep]) -> AgentPlanUpdate:
    return update_plan(plan_entry(s.step, status=s.status) for s in steps)


def plan_of_call(arguments: str) -> AgentPlanUpdate | None:
    """The update a live call stands for; None when its arguments are no plan (the model is
    told so by the call's failed output)."""
    try:
        return plan_update(parse_plan(arguments))
    except PlanError:
        return None


def plan_of_recorded_output(output: str) -> AgentPlanUpdate | None:
    steps = plan_of_output(output)
    return plan_update(steps) if steps else None
