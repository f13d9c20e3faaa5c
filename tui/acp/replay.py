"""A resumed thread's history as ``session/update`` notifications, for ``session/load``.

The engine hands a resumed thread's persisted events over in ``SessionConfigured``: user and
agent messages, reasoning, and each tool call's end (rollouts keep no begin), which is replayed
as one ``tool_call`` already in its final state (a plan as the ``plan`` update it made).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from acp import update_agent_message_text, update_agent_thought_text, update_user_message_text
from acp.schema import (
    AgentMessageChunk,
    AgentPlanUpdate,
    AgentThoughtChunk,
    ToolCallStart,
    UserMessageChunk,
)

from core.protocol.events import EventMsg
from core.tools.plan_format import PLAN_TOOL_NAME
from tui.acp.plan import plan_of_recorded_output
from tui.acp.tool_calls import replayed_call

ReplayUpdate = (
    UserMessageChunk | AgentMessageChunk | AgentThoughtChunk | ToolCallStart | AgentPlanUpdate
)


def replay_updates(history: Sequence[EventMsg]) -> Iterator[ReplayUpdate]:
    for msg in history:
        if msg.type == "user_message":
            yield update_user_message_text(msg.message)
        elif msg.type == "agent_message":
            yield update_agent_message_text(msg.message)
        elif msg.type == "agent_reasoning":
            yield update_agent_thought_text(msg.text)
        elif msg.type == "tool_call_end" and msg.tool_name == PLAN_TOOL_NAME:
            plan = plan_of_recorded_output(msg.output)
            if plan is not None:
                yield plan
        elif msg.type == "tool_call_end":
            yield replayed_call(msg)
