"""Real rollout files with chosen messages, for the search index's tests."""

from __future__ import annotations

from pathlib import Path

from core.protocol.ids import ThreadId
from core.protocol.items import ToolCallOutputItem, assistant_message, user_message
from core.protocol.rollout import RolloutItem, RolloutLine, TranscriptRecord, utc_timestamp
from tests.support.rollout_factory import write_rollout


def new_rollout(home: Path, cwd: Path, thread_id: ThreadId | None = None) -> Path:
    """A rollout with lha's real session prefix (instructions, environment) and no turns."""
    return write_rollout(home, cwd, 0, thread_id=thread_id)


def append_items(path: Path, items: list[RolloutItem]) -> None:
    stamp = utc_timestamp()
    with open(path, "a", encoding="utf-8") as file:
        file.write("".join(RolloutLine(timestamp=stamp, item=i).dump() + "\n" for i in items))


def append_turn(path: Path, question: str, answer: str, tool_output: str | None = None) -> None:
    """One turn as transcript records: the question, a tool's output (optional), the answer."""
    items: list[RolloutItem] = [TranscriptRecord(payload=user_message(question))]
    if tool_output is not None:
        items.append(
            TranscriptRecord(payload=ToolCallOutputItem(call_id="call_1", output=tool_output))
        )
    items.append(TranscriptRecord(payload=assistant_message(answer)))
    append_items(path, items)
