"""list_user_turns: the fork dialog's numbering must be fork_thread's numbering."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import RolloutError
from core.protocol import (
    EventRecord,
    InputImage,
    InputText,
    MessageItem,
    RolloutItem,
    RolloutLine,
    SessionMetaRecord,
    TranscriptRecord,
    UserMessageEvent,
    assistant_message,
    developer_message,
    user_message,
)
from core.rollout.reader import load_rollout
from core.rollout.session_prefix import ENVIRONMENT_CONTEXT_OPEN, PROJECT_INSTRUCTIONS_PREFIX
from core.rollout.truncation import truncate_rollout_before_nth_user_message_from_start
from core.rollout.user_turns import list_user_turns, read_user_turns
from core.text import IMAGE_PLACEHOLDER
from tests.unit.rollout.helpers import meta


def _thread() -> list[RolloutItem]:
    return [
        SessionMetaRecord(payload=meta()),
        TranscriptRecord(payload=developer_message("be brief")),
        TranscriptRecord(payload=user_message(f"{ENVIRONMENT_CONTEXT_OPEN}cwd=/x</...>")),
        TranscriptRecord(payload=user_message(f"{PROJECT_INSTRUCTIONS_PREFIX}/x\n\nrules")),
        TranscriptRecord(payload=user_message("\n  fix the bug  \nin parser.py")),
        EventRecord(payload=UserMessageEvent(message="fix the bug")),
        TranscriptRecord(payload=assistant_message("done")),
        TranscriptRecord(payload=user_message("now add tests")),
        TranscriptRecord(payload=assistant_message("added")),
    ]


def test_skips_session_prefix_and_numbers_real_messages() -> None:
    turns = list_user_turns(_thread())
    assert [turn.index for turn in turns] == [0, 1]
    assert [turn.first_line for turn in turns] == ["fix the bug", "now add tests"]
    assert turns[0].text == "\n  fix the bug  \nin parser.py"
    assert [turn.items_before for turn in turns] == [4, 7]
    assert all(turn.timestamp is None for turn in turns)


def test_items_before_is_what_a_fork_keeps() -> None:
    items = _thread()
    for turn in list_user_turns(items):
        kept = truncate_rollout_before_nth_user_message_from_start(items, turn.index)
        assert len(kept) == turn.items_before


def test_timestamps_are_taken_from_the_parallel_list() -> None:
    items = _thread()
    stamps: list[str | None] = [f"2026-01-01T00:00:0{i}.000Z" for i in range(len(items))]
    turns = list_user_turns(items, stamps)
    assert [turn.timestamp for turn in turns] == [stamps[4], stamps[7]]
    # A short list is tolerated: unknown timestamps are None.
    assert list_user_turns(items, stamps[:5])[1].timestamp is None


def test_image_only_and_empty_messages() -> None:
    image = MessageItem(role="user", content=[InputImage(image_url="data:image/png;base64,AA")])
    mixed = MessageItem(
        role="user",
        content=[InputText(text="look"), InputImage(image_url="data:image/png;base64,AA")],
    )
    turns = list_user_turns([TranscriptRecord(payload=image), TranscriptRecord(payload=mixed)])
    assert [(turn.first_line, turn.images) for turn in turns] == [
        (IMAGE_PLACEHOLDER, 1),
        ("look", 1),
    ]


def test_empty_history() -> None:
    assert list_user_turns([]) == []


async def test_read_user_turns_keeps_timestamps_and_matches_the_reader(tmp_path: Path) -> None:
    items = _thread()
    stamps = [f"2026-11-25T12:{minute:02d}:00.000Z" for minute in range(len(items))]
    lines = [RolloutLine.dump_item(stamp, item) for stamp, item in zip(stamps, items, strict=True)]
    lines.insert(3, "{not json")  # a bad line in the middle is skipped, as the reader skips it
    path = tmp_path / "rollout.jsonl"
    path.write_text("\n".join(lines) + "\n" + '{"timestamp": "torn', encoding="utf-8")

    turns = await read_user_turns(path)
    assert [(turn.index, turn.first_line) for turn in turns] == [
        (0, "fix the bug"),
        (1, "now add tests"),
    ]
    assert [turn.timestamp for turn in turns] == [stamps[4], stamps[7]]
    history = (await load_rollout(path)).history.get_rollout_items()
    assert [turn.items_before for turn in turns] == [
        turn.items_before for turn in list_user_turns(history)
    ]


async def test_read_user_turns_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RolloutError, match="cannot read the session file"):
        await read_user_turns(tmp_path / "gone.jsonl")
