"""Asking the user before a tool acts: ``exec_approval_request`` out, ``exec_approval`` op in.

``approved_for_session`` is remembered per exact request key (the command and how it would run),
so the same command is not asked about twice in one thread; anything else is asked again.
An ``abort`` answer is handled by the agent, which ends the turn like an interrupt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from core.protocol.events import ExecApprovalRequest
from core.protocol.ops import ReviewDecision
from core.tools.invocation import ToolInvocation


async def request_approval(
    inv: ToolInvocation,
    command: Sequence[str],
    cwd: Path,
    reason: str | None,
    session_key: tuple[str, ...],
) -> ReviewDecision:
    """The user's decision for this call (immediately, if approved earlier for the session)."""
    state = inv.session.tools
    if session_key in state.approved_for_session:
        return "approved_for_session"
    future: asyncio.Future[ReviewDecision] = asyncio.get_running_loop().create_future()
    inv.session.pending_approvals[inv.call_id] = future
    inv.emit(
        ExecApprovalRequest(call_id=inv.call_id, command=list(command), cwd=str(cwd), reason=reason)
    )
    try:
        decision = await future
    finally:
        inv.session.pending_approvals.pop(inv.call_id, None)
    if decision == "approved_for_session":
        state.approved_for_session.add(session_key)
    return decision


def is_approved(decision: ReviewDecision) -> bool:
    return decision in ("approved", "approved_for_session")


def refusal_text(decision: ReviewDecision, what: str) -> str:
    """What the model is told when the user said no."""
    if decision == "abort":
        return f"the user aborted the turn instead of approving {what}"
    return (
        f"the user denied {what}. Do not retry it as is; continue without it or ask the user "
        "what to do instead"
    )
