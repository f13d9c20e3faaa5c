"""Approvals as ACP permission requests: the client's answer becomes the op the TUI's modal sends.

The three options map onto the modal's decisions (allow once, allow for the session, deny); a
request the client cancels is the modal's Esc (abort the turn). A client that cannot be asked
(it hung up, or answered with an error) gets the approval policy's safe default: denied.
"""

from __future__ import annotations

import logging
import shlex
from typing import TYPE_CHECKING

from acp import RequestError
from acp.schema import AllowedOutcome, PermissionOption, ToolCallUpdate

from core.protocol.ops import ExecApproval, ReviewDecision

if TYPE_CHECKING:
    from acp.interfaces import Client

    from core.agent.agent_thread import AgentThread
    from core.protocol.events import ExecApprovalRequest

log = logging.getLogger("lha.acp")

OPTIONS: tuple[tuple[str, str, ReviewDecision], ...] = (
    ("allow_once", "Allow once", "approved"),
    ("allow_always", "Allow for this session", "approved_for_session"),
    ("reject_once", "Reject", "denied"),
)
"""(ACP option kind, label, the decision it stands for); the kind doubles as the option id."""

SAFE_DEFAULT: ReviewDecision = "denied"


def permission_options() -> list[PermissionOption]:
    return [PermissionOption(option_id=kind, name=name, kind=kind) for kind, name, _ in OPTIONS]


def decision_for(outcome: object) -> ReviewDecision:
    """The decision an ACP outcome stands for: a picked option, or ``abort`` when cancelled."""
    if isinstance(outcome, AllowedOutcome):
        chosen = next((d for kind, _, d in OPTIONS if kind == outcome.option_id), None)
        return chosen or SAFE_DEFAULT
    return "abort"


async def ask_client(
    client: Client, session_id: str, request: ExecApprovalRequest
) -> ReviewDecision:
    """Ask the client about one command; its safe default when the client cannot answer."""
    title = shlex.join(request.command)
    if request.reason:
        title = f"{title}\n{request.reason}"
    tool_call = ToolCallUpdate(tool_call_id=request.call_id, title=title, status="pending")
    try:
        response = await client.request_permission(
            session_id=session_id, tool_call=tool_call, options=permission_options()
        )
    except (RequestError, ConnectionError, ValueError) as err:
        log.warning("the client could not be asked for approval (%s); denied", err)
        return SAFE_DEFAULT
    return decision_for(response.outcome)


async def answer_approval(
    client: Client, session_id: str, thread: AgentThread, request: ExecApprovalRequest
) -> None:
    """Ask, then submit the same ``ExecApproval`` op the TUI's approval modal submits."""
    decision = await ask_client(client, session_id, request)
    await thread.submit(ExecApproval(id=request.call_id, decision=decision))


CONFIRM_OPTIONS = (
    PermissionOption(option_id="allow_once", name="Go ahead", kind="allow_once"),
    PermissionOption(option_id="reject_once", name="Leave it", kind="reject_once"),
)


async def client_confirms(client: Client, session_id: str, what: ToolCallUpdate) -> bool:
    """Ask the client about an action of a command (``/undo``): yes only when the user picks
    "Go ahead"; a client that cannot be asked gets the safe default, no."""
    try:
        response = await client.request_permission(
            session_id=session_id, tool_call=what, options=list(CONFIRM_OPTIONS)
        )
    except (RequestError, ConnectionError, ValueError) as err:
        log.warning("the client could not be asked to confirm (%s); nothing done", err)
        return False
    outcome = response.outcome
    return isinstance(outcome, AllowedOutcome) and outcome.option_id == "allow_once"
