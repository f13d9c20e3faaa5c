"""The session list: order, paging, skipping, filters and the lookups behind `resume`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.errors import InvalidRequest
from core.protocol import SessionMetaRecord, SessionSource, ThreadId, TranscriptRecord, user_message
from core.rollout import RolloutRecorder, find_latest_thread_path, find_thread_path_by_id
from core.rollout.listing import ThreadsPage
from core.rollout.session_prefix import ENVIRONMENT_CONTEXT_OPEN
from tests.support.rollout_factory import write_rollout

from .helpers import conversation, lines_of, meta, write_lines, write_session

BASE = datetime(2026, 3, 14, 9, 26, 53)


def _ids(page: ThreadsPage) -> list[str]:
    return [str(item.thread_id) for item in page.items]


def _write_many(home: Path, count: int, step: timedelta = timedelta(hours=7)) -> list[ThreadId]:
    """``count`` sessions, one every ``step`` (spanning several day folders); oldest first."""
    ids = []
    for n in range(count):
        session = meta()
        write_session(home, session, created=BASE + step * n)
        ids.append(session.id)
    return ids


async def test_pages_newest_first_to_the_end(tmp_path: Path) -> None:
    ids = _write_many(tmp_path, 7)
    expected = [str(i) for i in reversed(ids)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await RolloutRecorder.list_threads(tmp_path, 3, cursor=cursor)
        pages += 1
        seen.extend(_ids(page))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert pages == 3


async def test_exact_multiple_of_page_size_ends_with_none(tmp_path: Path) -> None:
    _write_many(tmp_path, 4)
    first = await RolloutRecorder.list_threads(tmp_path, 2)
    assert first.next_cursor is not None
    second = await RolloutRecorder.list_threads(tmp_path, 2, cursor=first.next_cursor)
    assert len(second.items) == 2
    assert second.next_cursor is None


async def test_items_carry_head_facts(tmp_path: Path) -> None:
    source = meta()
    session = meta(cwd="/src/app", source=SessionSource.EXEC, forked_from_id=source.id)
    path = write_session(tmp_path, session, conversation(session, 2), created=BASE)
    page = await RolloutRecorder.list_threads(tmp_path, 10)
    [item] = page.items
    assert item.path == path
    assert item.thread_id == session.id
    assert item.preview == "question 0"
    assert item.cwd == "/src/app"
    assert item.source is SessionSource.EXEC
    assert item.model_provider == "openai"
    assert item.forked_from_id == source.id
    assert item.model is None, "no turn_context follows the first message"
    assert item.created_at.tzinfo is not None and item.updated_at.tzinfo is not None
    assert page.num_scanned_files == 1 and not page.reached_scan_cap


async def test_items_name_the_first_turns_model(tmp_path: Path) -> None:
    write_rollout(tmp_path, tmp_path, 3, model="gpt-5-mini")
    [item] = (await RolloutRecorder.list_threads(tmp_path, 10)).items
    assert item.model == "gpt-5-mini" and item.preview.startswith("turn 0:")


async def test_same_second_ordered_by_id_desc(tmp_path: Path) -> None:
    ids = []
    for _ in range(4):
        session = meta()
        write_session(tmp_path, session, created=BASE)
        ids.append(str(session.id))
    page = await RolloutRecorder.list_threads(tmp_path, 2)
    rest = await RolloutRecorder.list_threads(tmp_path, 2, cursor=page.next_cursor)
    assert _ids(page) + _ids(rest) == sorted(ids, reverse=True)
    assert rest.next_cursor is None


async def test_files_without_meta_or_user_message_are_skipped(tmp_path: Path) -> None:
    good = meta()
    write_session(tmp_path, good, created=BASE)
    no_meta = meta()
    write_session(tmp_path, no_meta, conversation(no_meta, 2)[1:], created=BASE + timedelta(1))
    only_prefix = meta()
    prefix_only = [
        SessionMetaRecord(payload=only_prefix),
        TranscriptRecord(payload=user_message(f"{ENVIRONMENT_CONTEXT_OPEN}x")),
    ]
    write_session(tmp_path, only_prefix, prefix_only, created=BASE + timedelta(2))
    garbage = meta()
    path = write_session(tmp_path, garbage, created=BASE + timedelta(3))
    path.write_bytes(b"\x00\x01 not a rollout\n")
    empty = meta()
    write_session(tmp_path, empty, created=BASE + timedelta(4)).write_bytes(b"")
    (path.parent / "notes.txt").write_text("hello")
    (path.parent / "rollout-bad-name.jsonl").write_text("x")
    page = await RolloutRecorder.list_threads(tmp_path, 10)
    assert _ids(page) == [str(good.id)]
    assert page.num_scanned_files == 5
    assert page.next_cursor is None


async def test_preview_found_after_many_head_lines(tmp_path: Path) -> None:
    session = meta()
    prefix = [
        TranscriptRecord(payload=user_message(f"{ENVIRONMENT_CONTEXT_OPEN}{n}")) for n in range(50)
    ]
    items = [SessionMetaRecord(payload=session), *prefix, *conversation(session, 1)[2:]]
    write_session(tmp_path, session, items, created=BASE)
    page = await RolloutRecorder.list_threads(tmp_path, 10)
    assert [item.preview for item in page.items] == ["question 0"]


async def test_source_and_provider_filters(tmp_path: Path) -> None:
    cli = meta(source=SessionSource.CLI, model_provider="openai")
    exec_ = meta(source=SessionSource.EXEC, model_provider="ollama")
    missing = meta(source=SessionSource.CLI, model_provider=None)
    for n, session in enumerate((cli, exec_, missing)):
        write_session(tmp_path, session, created=BASE + timedelta(minutes=n))

    by_source = await RolloutRecorder.list_threads(tmp_path, 10, sources=[SessionSource.CLI])
    assert _ids(by_source) == [str(missing.id), str(cli.id)]

    openai = await RolloutRecorder.list_threads(
        tmp_path, 10, providers=["openai"], default_provider="openai"
    )
    assert _ids(openai) == [str(missing.id), str(cli.id)]
    assert openai.items[0].model_provider == "openai"

    ollama = await RolloutRecorder.list_threads(
        tmp_path, 10, providers=["ollama"], default_provider="openai"
    )
    assert _ids(ollama) == [str(exec_.id)]

    no_default = await RolloutRecorder.list_threads(tmp_path, 10, providers=["openai"])
    assert _ids(no_default) == [str(cli.id)]

    both = await RolloutRecorder.list_threads(
        tmp_path, 10, sources=[SessionSource.EXEC], providers=["openai"]
    )
    assert both.items == []


async def test_new_session_between_pages_does_not_shift_next_page(tmp_path: Path) -> None:
    ids = _write_many(tmp_path, 6)
    first = await RolloutRecorder.list_threads(tmp_path, 3)
    newcomer = meta()
    write_session(tmp_path, newcomer, created=datetime.now())
    recorder = RolloutRecorder.create(tmp_path, ThreadId.new(), meta(), materialize=True)
    recorder.record_items(conversation(meta(), 1)[1:])
    await recorder.shutdown()
    second = await RolloutRecorder.list_threads(tmp_path, 3, cursor=first.next_cursor)
    assert _ids(second) == [str(i) for i in reversed(ids[:3])]
    assert second.next_cursor is None
    fresh = await RolloutRecorder.list_threads(tmp_path, 2)
    assert set(_ids(fresh)) == {str(newcomer.id), str(recorder.rollout_path.name[-42:-6])}


async def test_updated_sort_uses_mtime(tmp_path: Path) -> None:
    old = meta()
    new = meta()
    middle = meta()
    write_session(tmp_path, old, created=BASE, mtime=3_000_000_000)
    write_session(tmp_path, new, created=BASE + timedelta(days=30), mtime=1_000_000_000)
    write_session(tmp_path, middle, created=BASE + timedelta(days=10), mtime=2_000_000_000)
    created = await RolloutRecorder.list_threads(tmp_path, 10)
    assert _ids(created) == [str(new.id), str(middle.id), str(old.id)]
    first = await RolloutRecorder.list_threads(tmp_path, 2, sort_key="updated")
    assert _ids(first) == [str(old.id), str(middle.id)]
    assert first.items[0].updated_at.timestamp() == 3_000_000_000
    rest = await RolloutRecorder.list_threads(
        tmp_path, 2, sort_key="updated", cursor=first.next_cursor
    )
    assert _ids(rest) == [str(new.id)]
    assert rest.next_cursor is None


async def test_empty_home_and_bad_arguments(tmp_path: Path) -> None:
    page = await RolloutRecorder.list_threads(tmp_path / "nothing", 10)
    assert page.items == [] and page.next_cursor is None and page.num_scanned_files == 0
    for cursor in ("garbage", "2026-01-01T00-00-00|not-an-id", "|"):
        with pytest.raises(InvalidRequest):
            await RolloutRecorder.list_threads(tmp_path, 10, cursor=cursor)
    good = f"2026-01-01T00-00-00|{ThreadId.new()}"
    with pytest.raises(InvalidRequest):
        await RolloutRecorder.list_threads(tmp_path, 10, cursor=good, sort_key="updated")
    with pytest.raises(InvalidRequest):
        await RolloutRecorder.list_threads(tmp_path, 0)


async def test_find_latest_and_by_id(tmp_path: Path) -> None:
    assert await find_latest_thread_path(tmp_path) is None
    here = meta(cwd="/a")
    there = meta(cwd="/b")
    here_path = write_session(tmp_path, here, created=BASE, mtime=1_000_000_000)
    there_path = write_session(tmp_path, there, created=BASE + timedelta(1), mtime=1_000_000_100)
    assert await find_latest_thread_path(tmp_path) == there_path
    assert await find_latest_thread_path(tmp_path, cwd="/a/") == here_path
    assert await find_latest_thread_path(tmp_path, cwd="/c") is None
    assert await find_thread_path_by_id(tmp_path, here.id) == here_path
    assert await find_thread_path_by_id(tmp_path, str(there.id).upper()) == there_path
    assert await find_thread_path_by_id(tmp_path, ThreadId.new()) is None
    with pytest.raises(InvalidRequest):
        await find_thread_path_by_id(tmp_path, "not-an-id")


async def test_torn_head_line_still_lists(tmp_path: Path) -> None:
    session = meta()
    lines = lines_of(conversation(session, 1))
    path = write_session(tmp_path, session, created=BASE)
    write_lines(path, [*lines, lines[-1][:10]], trailing_newline=False)
    page = await RolloutRecorder.list_threads(tmp_path, 10)
    assert _ids(page) == [str(session.id)]


async def test_any_unique_prefix_of_an_id_finds_its_session(tmp_path: Path) -> None:
    first = meta(ThreadId("0190a1b2-c3d4-7000-8000-000000000001"))
    second = meta(ThreadId("0190a1b2-c3d5-7000-8000-000000000002"))
    first_path = write_session(tmp_path, first, created=BASE)
    second_path = write_session(tmp_path, second, created=BASE + timedelta(1))
    assert await find_thread_path_by_id(tmp_path, "0190a1b2-c3d4") == first_path
    assert await find_thread_path_by_id(tmp_path, "0190A1B2-C3D5-7") == second_path
    assert await find_thread_path_by_id(tmp_path, "0190a1b2-c3d6") is None
    with pytest.raises(InvalidRequest, match=r"begins 2 thread ids .*type more of the id"):
        await find_thread_path_by_id(tmp_path, "0190a1b2")
    for not_a_prefix in ("0190a1b2c3d4", "xyz", "", "0190a1b2-c3d4-7000-8000-0000000000011"):
        with pytest.raises(InvalidRequest):
            await find_thread_path_by_id(tmp_path, not_a_prefix)


def test_a_thread_and_its_fork_made_a_moment_later_show_different_short_ids() -> None:
    import time

    thread = ThreadId.new()
    time.sleep(0.002)
    fork = ThreadId.new()
    assert thread.short != fork.short
    assert str(fork).startswith(fork.short) and ThreadId.is_prefix(fork.short)
