"""Writing rollouts: lazy creation, private permissions, append on resume, flush semantics."""

from __future__ import annotations

import asyncio
import json
import logging
import stat
from pathlib import Path

import pytest

from core.errors import RolloutError
from core.protocol import (
    AgentMessage,
    AgentMessageDelta,
    AgentReasoningDelta,
    EventRecord,
    RolloutItem,
    RolloutLine,
    SessionMetaRecord,
    TaskStarted,
    TranscriptRecord,
    UserMessageEvent,
    assistant_message,
    user_message,
)
from core.rollout import RolloutRecorder
from core.rollout.paths import parse_rollout_file_name, sessions_root

from .helpers import meta


def _types(path: Path) -> list[str]:
    return [json.loads(line)["type"] for line in path.read_text().splitlines()]


def _turn(text: str) -> list[RolloutItem]:
    return [
        TranscriptRecord(payload=user_message(text)),
        EventRecord(payload=UserMessageEvent(message=text)),
        TranscriptRecord(payload=assistant_message("ok")),
    ]


async def test_new_thread_file_is_created_lazily(tmp_path: Path) -> None:
    session = meta()
    recorder = RolloutRecorder.create(tmp_path, session.id, session, materialize=False)
    path = recorder.rollout_path
    parsed = parse_rollout_file_name(path.name)
    assert parsed is not None and parsed.thread_id == session.id
    assert path.is_relative_to(sessions_root(tmp_path))

    recorder.record_items(_turn("before persist"))
    await recorder.flush()
    await asyncio.sleep(0.01)
    assert not path.exists()
    assert not sessions_root(tmp_path).exists()

    recorder.persist()
    recorder.record_items(_turn("after persist"))
    await recorder.flush()
    assert (
        _types(path) == ["session_meta"] + ["transcript_item", "event_msg", "transcript_item"] * 2
    )
    await recorder.shutdown()


async def test_thread_closed_before_persist_leaves_nothing(tmp_path: Path) -> None:
    session = meta()
    recorder = RolloutRecorder.create(tmp_path, session.id, session)
    recorder.record_items(_turn("x"))
    await recorder.shutdown()
    assert not recorder.rollout_path.exists()


async def test_fork_materialises_at_once_with_private_modes(tmp_path: Path) -> None:
    source = meta()
    fork = meta(forked_from_id=source.id)
    recorder = RolloutRecorder.create(tmp_path, fork.id, fork, materialize=True)
    await recorder.flush()
    path = recorder.rollout_path
    assert path.exists()
    first = json.loads(path.read_text().splitlines()[0])
    assert first["type"] == "session_meta"
    assert first["payload"]["forked_from_id"] == source.id
    assert first["payload"]["id"] == fork.id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    folder = path.parent
    while folder != tmp_path:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        folder = folder.parent
    await recorder.shutdown()


async def test_resume_appends_and_keeps_earlier_lines(tmp_path: Path) -> None:
    session = meta()
    first = RolloutRecorder.create(tmp_path, session.id, session, materialize=True)
    first.record_items(_turn("one"))
    await first.shutdown()
    path = first.rollout_path
    before = path.read_text()

    again = RolloutRecorder.resume(path)
    assert again.rollout_path == path
    again.record_items(_turn("two"))
    await again.shutdown()
    after = path.read_text()
    assert after.startswith(before)
    assert len(after.splitlines()) == len(before.splitlines()) + 3
    history = await RolloutRecorder.get_rollout_history(path)
    assert history.thread_id == session.id
    assert len(history.items) == 7


async def test_resume_after_torn_line_starts_a_fresh_line(tmp_path: Path) -> None:
    session = meta()
    recorder = RolloutRecorder.create(tmp_path, session.id, session, materialize=True)
    recorder.record_items(_turn("one"))
    await recorder.shutdown()
    path = recorder.rollout_path
    path.write_bytes(path.read_bytes() + b'{"timestamp":"2026-01-01T00:00:00.000Z","type":"tra')
    resumed = RolloutRecorder.resume(path)
    resumed.record_items(_turn("two"))
    await resumed.shutdown()
    loaded = await RolloutRecorder.load_rollout(path)
    assert loaded.report.bad_lines == 1
    assert len(loaded.history.items) == 7


async def test_flush_puts_lines_on_disk(tmp_path: Path) -> None:
    session = meta()
    recorder = RolloutRecorder.create(tmp_path, session.id, session, materialize=True)
    for n in range(50):
        recorder.record_items(_turn(f"q{n}"))
        if n % 7 == 0:
            await asyncio.sleep(0)
    await recorder.flush()
    assert len(recorder.rollout_path.read_text().splitlines()) == 1 + 150
    recorder.record_items(_turn("last"))
    await recorder.flush()
    assert len(recorder.rollout_path.read_text().splitlines()) == 1 + 153
    await recorder.shutdown()
    recorder.record_items(_turn("dropped after shutdown"))
    assert len(recorder.rollout_path.read_text().splitlines()) == 1 + 153


async def test_concurrent_flushes_all_complete(tmp_path: Path) -> None:
    session = meta()
    recorder = RolloutRecorder.create(tmp_path, session.id, session, materialize=True)

    async def write(n: int) -> None:
        recorder.record_items(_turn(f"q{n}"))
        await recorder.flush()

    await asyncio.gather(*(write(n) for n in range(20)))
    assert len(recorder.rollout_path.read_text().splitlines()) == 1 + 60
    await recorder.shutdown()


async def test_deltas_and_lifecycle_events_are_not_persisted(tmp_path: Path) -> None:
    session = meta()
    recorder = RolloutRecorder.create(tmp_path, session.id, session, materialize=True)
    recorder.record_items(
        [
            EventRecord(payload=TaskStarted()),
            EventRecord(payload=AgentMessageDelta(delta="he")),
            EventRecord(payload=AgentReasoningDelta(delta="hm")),
            EventRecord(payload=AgentMessage(message="hello")),
        ]
    )
    await recorder.shutdown()
    lines = [json.loads(x) for x in recorder.rollout_path.read_text().splitlines()]
    assert [line["payload"]["type"] for line in lines[1:]] == ["agent_message"]


async def test_session_meta_id_follows_thread_id(tmp_path: Path) -> None:
    session = meta()
    other = meta()
    recorder = RolloutRecorder.create(tmp_path, other.id, session, materialize=True)
    await recorder.shutdown()
    history = await RolloutRecorder.get_rollout_history(recorder.rollout_path)
    assert history.thread_id == other.id
    assert isinstance(history.items[0], SessionMetaRecord)


async def test_write_error_is_logged_and_raised_on_flush(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A resumed rollout whose folder has gone: opening it for append fails (even for root).
    path = tmp_path / "gone" / "rollout.jsonl"
    resumed = RolloutRecorder.resume(path)
    with caplog.at_level(logging.INFO, logger="lha.rollout"):
        resumed.record_items(_turn("lost"))
        with pytest.raises(RolloutError) as raised:
            await resumed.flush()
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)
    assert any(r.name == "lha.rollout" for r in caplog.records)
    # The error is reported once; the recorder keeps working once the folder is back.
    await resumed.flush()
    path.parent.mkdir()
    resumed.record_items(_turn("kept"))
    await resumed.shutdown()
    assert len(path.read_text().splitlines()) == 3


def test_fork_recorder_made_outside_the_loop_materialises_on_first_flush(tmp_path: Path) -> None:
    session = meta()
    recorder = RolloutRecorder.create(tmp_path, session.id, session, materialize=True)

    async def later() -> None:
        await recorder.flush()
        await recorder.shutdown()

    asyncio.run(later())
    assert _types(recorder.rollout_path) == ["session_meta"]


class _WiderMessage(AgentMessage):
    """A payload of a subclass the record's field does not name."""

    note: str = "kept"


async def test_written_lines_are_exactly_the_lines_dump_makes(tmp_path: Path) -> None:
    # The recorder writes a plain record around its payload's own serializer; each line must
    # still be byte for byte what RolloutLine.dump_item makes, extras and subclasses included.
    items: list[RolloutItem] = [
        *_turn('héllo "quoted"\n'),
        EventRecord.model_validate({"payload": {"type": "agent_message", "message": "m"}, "x": 1}),
        EventRecord(payload=AgentMessage.model_validate({"message": "m", "extra": None, "k": 2})),
        EventRecord(payload=_WiderMessage(message="wider")),
        TranscriptRecord(payload=assistant_message("done")),
    ]
    fork = meta()
    recorder = RolloutRecorder.create(tmp_path, fork.id, fork, materialize=True)
    recorder.record_items(items)
    await recorder.shutdown()
    lines = recorder.rollout_path.read_text().splitlines()[1:]
    assert len(lines) == len(items)
    for line, item in zip(lines, items, strict=True):
        timestamp = json.loads(line)["timestamp"]
        assert line == RolloutLine.dump_item(timestamp, item)
