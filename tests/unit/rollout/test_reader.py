"""Loading rollouts back: tolerant of damage, strict about files that are not sessions."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from core.errors import LhaError, RolloutError
from core.protocol import (
    AgentMessage,
    EventRecord,
    MessageItem,
    RolloutLine,
    SessionMetaRecord,
    TranscriptRecord,
    utc_timestamp,
)
from core.rollout import RolloutRecorder, load_rollout

from .helpers import conversation, lines_of, meta, write_lines


async def test_resumed_history_with_first_session_meta_id(tmp_path: Path) -> None:
    session = meta()
    other = meta()
    items = [*conversation(session, 2), SessionMetaRecord(payload=other)]
    path = write_lines(tmp_path / "r.jsonl", lines_of(items))
    history = await RolloutRecorder.get_rollout_history(path)
    assert history.kind == "resumed"
    assert history.thread_id == session.id
    assert history.rollout_path == path
    assert [i.model_dump_json() for i in history.items] == [i.model_dump_json() for i in items]
    assert history.get_event_msgs() == [i.payload for i in items if isinstance(i, EventRecord)]


async def test_torn_last_line_is_tolerated_silently(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lines = lines_of(conversation(meta(), 1))
    torn = lines[-1][: len(lines[-1]) // 2]
    path = write_lines(tmp_path / "r.jsonl", [*lines[:-1], torn], trailing_newline=False)
    with caplog.at_level(logging.WARNING, logger="lha.rollout"):
        loaded = await load_rollout(path)
    assert len(loaded.history.items) == len(lines) - 1
    assert loaded.report.torn_last_line
    assert loaded.report.bad_lines == 0
    assert loaded.report.warning() is None
    assert not caplog.records


async def test_complete_last_line_without_newline_is_kept(tmp_path: Path) -> None:
    lines = lines_of(conversation(meta(), 1))
    path = write_lines(tmp_path / "r.jsonl", lines, trailing_newline=False)
    loaded = await load_rollout(path)
    assert len(loaded.history.items) == len(lines)
    assert not loaded.report.torn_last_line


async def test_garbage_lines_are_skipped_and_counted_in_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lines = lines_of(conversation(meta(), 2))
    garbage = ["not json", '{"timestamp": "x", "type": "transcript_item", "payload": 3}', "[]"]
    mixed = [lines[0], lines[1], garbage[0], lines[2], garbage[1], garbage[2], *lines[3:]]
    path = write_lines(tmp_path / "r.jsonl", [*mixed, b"\xff\xfe bad bytes"])
    with caplog.at_level(logging.WARNING, logger="lha.rollout"):
        loaded = await load_rollout(path)
    assert len(loaded.history.items) == len(lines)
    assert loaded.report.bad_lines == 4
    assert loaded.report.first_bad_line == 3
    warnings = [r for r in caplog.records if r.name == "lha.rollout"]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "skipped 4 unreadable lines" in message and str(path) in message


@pytest.mark.parametrize("content", [b"", b"   \n\n\t \n"])
async def test_empty_or_blank_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    with pytest.raises(RolloutError) as raised:
        await RolloutRecorder.get_rollout_history(path)
    message = str(raised.value)
    assert str(path) in message and "empty" in message and "\n" not in message


async def test_missing_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.jsonl"
    with pytest.raises(RolloutError) as raised:
        await RolloutRecorder.get_rollout_history(path)
    assert str(path) in str(raised.value) and "lha threads" in str(raised.value)


async def test_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RolloutError):
        await RolloutRecorder.get_rollout_history(tmp_path)


async def test_no_session_meta_is_an_error(tmp_path: Path) -> None:
    items = conversation(meta(), 1)[1:]
    path = write_lines(tmp_path / "r.jsonl", lines_of(items))
    with pytest.raises(RolloutError) as raised:
        await RolloutRecorder.get_rollout_history(path)
    message = str(raised.value)
    assert str(path) in message and "session_meta" in message and "\n" not in message
    assert isinstance(raised.value, LhaError)


async def test_unknown_fields_and_unknown_line_types(tmp_path: Path) -> None:
    session = meta()
    first = json.loads(lines_of([SessionMetaRecord(payload=session)])[0])
    first["payload"]["agent_nickname"] = "scout"
    first["top_level_extra"] = 1
    message = {
        "timestamp": utc_timestamp(),
        "type": "transcript_item",
        "payload": {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "hi", "annotations": []}],
            "phase": "final",
        },
    }
    unknown_type = {"timestamp": utc_timestamp(), "type": "thread_renamed", "payload": {"n": 1}}
    event = {"timestamp": utc_timestamp(), "type": "event_msg", "payload": {"type": "mystery"}}
    path = write_lines(
        tmp_path / "r.jsonl", [json.dumps(x) for x in (first, message, unknown_type, event)]
    )
    loaded = await load_rollout(path)
    items = loaded.history.items
    assert len(items) == 2
    assert loaded.report.bad_lines == 2
    assert isinstance(items[0], SessionMetaRecord)
    assert items[0].payload.model_extra == {"agent_nickname": "scout"}
    assert items[0].model_extra == {"top_level_extra": 1}
    assert isinstance(items[1], TranscriptRecord) and isinstance(items[1].payload, MessageItem)
    assert items[1].payload.text() == "hi"
    # Unknown fields survive a re-write (a fork copies lines it does not understand in full).
    again = RolloutLine.parse(RolloutLine(timestamp="t", item=items[1]).dump())
    assert again.item.payload.model_extra == {"phase": "final"}  # type: ignore[union-attr]


async def test_parse_matches_validated_model(tmp_path: Path) -> None:
    item = EventRecord(payload=AgentMessage(message='hé \u2028 "q"'))
    line = RolloutLine(timestamp=utc_timestamp(), item=item)
    parsed = RolloutLine.parse(line.dump())
    assert parsed == line
    assert parsed.dump() == line.dump()
    assert parsed.item == item
