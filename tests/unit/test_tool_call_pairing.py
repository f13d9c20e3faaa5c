"""``pair_tool_outputs`` leaves a well-formed history exactly as it is (it runs on every resume)."""

from __future__ import annotations

from core.agent.tool_call_pairing import pair_tool_outputs
from core.protocol.items import (
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptItem,
    assistant_message,
    user_message,
)
from core.protocol.tool_payload import JsonArguments


def _call(call_id: str) -> ToolCallItem:
    return ToolCallItem(call_id=call_id, tool_name="shell", payload=JsonArguments(arguments="{}"))


def _output(call_id: str, text: str = "done") -> ToolCallOutputItem:
    return ToolCallOutputItem(call_id=call_id, output=text, success=True)


def test_a_well_formed_history_is_left_as_it_is() -> None:
    history: list[TranscriptItem] = [
        user_message("q1"),
        _call("a"),
        _call("b"),
        _output("a"),
        _output("b"),
        _call("c"),
        _output("c"),
        assistant_message("answer"),
        _output("orphan"),  # an output of no known call stays where it is
    ]
    paired, made_up = pair_tool_outputs(history, "missing")
    assert paired == history and made_up == []


def test_outputs_appended_later_move_up_and_missing_ones_are_made_up() -> None:
    history: list[TranscriptItem] = [
        user_message("q1"),
        _call("a"),
        _call("b"),
        user_message("q2"),
        _output("b", "late"),
    ]
    paired, made_up = pair_tool_outputs(history, "missing")
    assert made_up == [ToolCallOutputItem(call_id="a", output="missing", success=False)]
    assert paired == [
        user_message("q1"),
        _call("a"),
        _call("b"),
        made_up[0],
        _output("b", "late"),
        user_message("q2"),
    ]
