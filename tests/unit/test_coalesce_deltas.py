"""The UI joins runs of ready deltas before touching widgets, keeping everything else in order."""

from __future__ import annotations

from core.protocol.events import (
    AgentMessage,
    AgentMessageDelta,
    AgentReasoningDelta,
    Event,
    TaskComplete,
)
from tui.delta_coalescing import coalesce_deltas


def test_runs_of_one_kind_and_submission_are_joined() -> None:
    events = [
        Event(id="0", msg=AgentReasoningDelta(delta="thin")),
        Event(id="0", msg=AgentReasoningDelta(delta="king")),
        Event(id="0", msg=AgentMessageDelta(delta="Hel")),
        Event(id="0", msg=AgentMessageDelta(delta="lo")),
        Event(id="1", msg=AgentMessageDelta(delta="!")),
        Event(id="1", msg=AgentMessage(message="Hello!")),
        Event(id="1", msg=TaskComplete(last_agent_message="Hello!")),
    ]
    out = coalesce_deltas(events)
    assert [(e.id, e.msg.type, getattr(e.msg, "delta", None)) for e in out] == [
        ("0", "agent_reasoning_delta", "thinking"),
        ("0", "agent_message_delta", "Hello"),
        ("1", "agent_message_delta", "!"),
        ("1", "agent_message", None),
        ("1", "task_complete", None),
    ]
    assert out[2] is events[4], "a lone delta is passed through as it is"


def test_a_long_run_becomes_one_event() -> None:
    events = [Event(id="0", msg=AgentMessageDelta(delta=f"w{i} ")) for i in range(2000)]
    (joined,) = coalesce_deltas(events)
    assert isinstance(joined.msg, AgentMessageDelta)
    assert joined.msg.delta == "".join(f"w{i} " for i in range(2000))
