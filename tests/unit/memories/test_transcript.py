"""What the summariser sees of a rollout: real turns and tool use, bounded."""

from __future__ import annotations

from core.memories.transcript import bound_text, render_transcript
from core.protocol.items import ToolCallItem, ToolCallOutputItem, developer_message, user_message
from core.protocol.rollout import CompactedRecord, RolloutItem, TranscriptRecord
from core.protocol.session import CompactedItem
from core.protocol.tool_payload import JsonArguments
from tests.unit.rollout.helpers import conversation, meta


def test_keeps_turns_and_tools_and_drops_injected_context() -> None:
    items: list[RolloutItem] = conversation(meta(), 2)
    items += [
        TranscriptRecord(payload=developer_message("<permissions instructions>")),
        TranscriptRecord(payload=user_message("<skill>\nbody\n</skill>")),
        TranscriptRecord(
            payload=ToolCallItem(
                call_id="c1",
                tool_name="shell",
                payload=JsonArguments(arguments='{"cmd": "ls"}'),
            )
        ),
        TranscriptRecord(payload=ToolCallOutputItem(call_id="c1", output="x" * 5000)),
        CompactedRecord(payload=CompactedItem(message="earlier: set up CI")),
    ]
    text = render_transcript(items, 100_000)
    assert "User: question 0" in text and "Assistant: answer 1" in text
    assert '[tool call] shell({"cmd": "ls"})' in text
    assert "x" * 600 not in text, "tool output is shortened"
    assert "earlier: set up CI" in text
    for injected in ("environment_context", "permissions", "<skill>"):
        assert injected not in text


def test_long_transcripts_keep_head_and_tail() -> None:
    text = "A" * 1000 + "B" * 10_000 + "C" * 1000
    bounded = bound_text(text, 2000)
    assert len(bounded) < 2100
    assert bounded.startswith("A" * 600) and bounded.endswith("C" * 1000)
    assert "[... 10000 characters omitted ...]" in bounded
    assert bound_text("short", 2000) == "short"
