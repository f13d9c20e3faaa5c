"""Resume keeps the id and the file; a fork sends exactly the kept history, leaving its source."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.agent.initial_context import build_initial_context
from core.agent.turn_context import TurnContext
from core.errors import InvalidRequest, RolloutError
from core.llm.providers.endpoint import WireApi
from core.protocol.history import InitialHistory
from core.protocol.ids import ThreadId
from core.protocol.items import MessageItem, OutputText, TranscriptItem
from core.protocol.rollout import TranscriptRecord
from core.rollout.truncation import truncate_before_nth_user_message
from tests.support.agent_harness import Harness, completed, make_harness, run_turn
from tests.support.scripted_server import Reply, ScriptedServer


def _msg(role: str, text: str) -> MessageItem:
    return MessageItem(role=role, content=[OutputText(text=text)])  # type: ignore[arg-type]


def test_ignores_session_prefix_messages_when_truncating(tmp_path: Path) -> None:
    """The Codex CLI's test, against the real initial context."""
    (tmp_path / "AGENTS.md").write_text("Be brief.")
    from core.llm.providers.endpoint import RuntimeEndpoint

    context = TurnContext(
        model="gpt-test",
        model_provider_id="test",
        provider=RuntimeEndpoint(name="t", base_url="http://127.0.0.1:9/v1"),
        cwd=tmp_path,
    )
    items: list[TranscriptItem] = list(build_initial_context(context))
    prefix_len = len(items)
    assert prefix_len >= 2
    items += [
        _msg("user", "feature request"),
        _msg("assistant", "ack"),
        _msg("user", "second question"),
        _msg("assistant", "answer"),
    ]
    rollout = [TranscriptRecord(payload=item) for item in items]
    truncated = truncate_before_nth_user_message(InitialHistory.forked(rollout), 1)
    got = [item.model_dump(mode="json") for item in truncated.get_rollout_items()]
    expected = [
        TranscriptRecord(payload=i).model_dump(mode="json") for i in items[: prefix_len + 2]
    ]
    assert got == expected


@dataclass(frozen=True)
class TwoTurns:
    """A thread that ran two turns ("question one", "question two") and was closed, so its
    rollout is complete and unlocked: what every fork and resume here starts from."""

    h: Harness
    source_id: ThreadId
    path: Path
    wire_api: WireApi


@pytest.fixture
async def two_turns(
    request: pytest.FixtureRequest, tmp_path: Path, scripted_server: ScriptedServer
) -> AsyncIterator[TwoTurns]:
    """The closed two-turn thread, over the chat wire unless a test parametrizes it
    (``indirect``) with "responses". Every thread still open is closed at the end, a failed
    test's too."""
    wire_api: WireApi = getattr(request, "param", "chat")
    h = make_harness(tmp_path, scripted_server, wire_api)
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(Reply.text("answer one"), Reply.text("answer two"))
    await run_turn(new.thread, "question one")
    await run_turn(new.thread, "question two")
    path = new.thread.rollout_path
    assert path is not None
    await h.manager.remove_and_close_all_threads()
    yield TwoTurns(h, new.thread_id, path, wire_api)
    await h.manager.remove_and_close_all_threads()


async def _forked_file(h: Harness, n: int | None, path: Path) -> Path:
    """Fork ``path`` before turn ``n`` (None: the whole thread), close it, and return the
    fork's rollout, complete on disk."""
    forked = await h.manager.fork_thread(n, h.config, path)
    await h.manager.remove_and_close_all_threads()
    assert forked.thread.rollout_path is not None
    return forked.thread.rollout_path


@pytest.mark.parametrize("two_turns", ["chat", "responses"], indirect=True)
async def test_fork_sends_exactly_the_kept_history(
    two_turns: TwoTurns, scripted_server: ScriptedServer
) -> None:
    h, source_path, wire_api = two_turns.h, two_turns.path, two_turns.wire_api
    before = source_path.read_bytes()
    first_request = scripted_server.bodies()[0]

    forked = await h.manager.fork_thread(1, h.config, source_path)
    assert forked.thread_id != two_turns.source_id
    assert forked.session_configured.forked_from_id == two_turns.source_id
    fork_path = forked.thread.rollout_path
    assert fork_path is not None and fork_path.exists(), "a fork's file exists at once"
    replay = [m.type for m in forked.session_configured.initial_messages or []]
    assert "user_message" in replay and "agent_message" in replay

    scripted_server.enqueue(Reply.text("forked answer"))
    events = await run_turn(forked.thread, "question two, rephrased")
    assert completed(events).last_agent_message == "forked answer"
    body = scripted_server.last_body()
    key = "messages" if wire_api == "chat" else "input"
    sent = body[key]
    kept = first_request[key][:] + (
        [{"role": "assistant", "content": "answer one"}] if wire_api == "chat" else []
    )
    if wire_api == "chat":
        assert sent[: len(kept)] == kept
        assert len(sent) == len(kept) + 1
    else:
        assert sent[: len(first_request[key])] == first_request[key]
        assert len(sent) == len(first_request[key]) + 2
    assert "question two, rephrased" in json.dumps(sent[-1])
    assert 'question two"' not in json.dumps(sent)
    assert source_path.read_bytes() == before, "a fork never touches its source"

    await h.manager.remove_and_close_all_threads()
    head = json.loads(fork_path.read_text().splitlines()[0])
    assert head["type"] == "session_meta"
    assert head["payload"]["forked_from_id"] == str(two_turns.source_id)


async def test_fork_past_the_end_is_a_new_empty_thread(
    two_turns: TwoTurns, scripted_server: ScriptedServer
) -> None:
    h = two_turns.h
    fresh = await h.manager.fork_thread(2, h.config, two_turns.path)
    assert fresh.session_configured.forked_from_id is None
    assert fresh.session_configured.initial_messages is None
    scripted_server.enqueue(Reply.text("hello"))
    await run_turn(fresh.thread, "start over")
    sent = json.dumps(scripted_server.last_body()["messages"])
    assert "question one" not in sent


async def test_negative_fork_index_is_a_clear_error(two_turns: TwoTurns) -> None:
    with pytest.raises(InvalidRequest) as err:
        await two_turns.h.manager.fork_thread(-1, two_turns.h.config, two_turns.path)
    assert "\n" not in str(err.value)


async def test_resume_keeps_id_and_appends_to_the_same_file(
    two_turns: TwoTurns, scripted_server: ScriptedServer
) -> None:
    h, path = two_turns.h, two_turns.path
    lines_before = path.read_text().splitlines()

    resumed = await h.manager.resume_thread_from_rollout(h.config, path, h.manager.auth_manager())
    assert resumed.thread_id == two_turns.source_id
    assert resumed.thread.rollout_path == path
    replay = [m.type for m in resumed.session_configured.initial_messages or []]
    assert replay.count("user_message") == 2
    scripted_server.enqueue(Reply.text("answer three"))
    await run_turn(resumed.thread, "question three")
    sent = json.dumps(scripted_server.last_body()["messages"])
    assert "question one" in sent and "answer two" in sent
    await h.manager.remove_and_close_all_threads()
    lines_after = path.read_text().splitlines()
    assert lines_after[: len(lines_before)] == lines_before
    assert len(lines_after) > len(lines_before)
    assert sum(1 for line in lines_after if '"session_meta"' in line) == 1
    assert list(path.parent.iterdir()) == [path]


async def test_resume_of_a_corrupt_rollout_is_a_clear_error(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    bad = tmp_path / "rollout-bad.jsonl"
    bad.write_text("not json at all\n")
    with pytest.raises(RolloutError) as err:
        await h.manager.resume_thread_from_rollout(h.config, bad, h.manager.auth_manager())
    assert str(bad) in str(err.value) and "\n" not in str(err.value)


async def test_a_fork_copies_the_kept_lines_as_they_are(two_turns: TwoTurns) -> None:
    """Lines before the cut are the source's bytes (its times included), after the fork's own
    session_meta: nothing is parsed and written again."""
    lines = two_turns.path.read_bytes().splitlines(keepends=True)
    fork_path = await _forked_file(two_turns.h, 1, two_turns.path)
    copied = fork_path.read_bytes().splitlines(keepends=True)[1:]
    second = next(
        number
        for number, line in enumerate(lines)
        if b'"question two"' in line and b"transcript_item" in line
    )
    assert copied == lines[:second]


async def test_a_fork_of_a_file_with_an_unreadable_line_writes_only_readable_lines(
    two_turns: TwoTurns,
) -> None:
    path = two_turns.path
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([*lines[:2], b'{"not a rollout line": 1}\n', *lines[2:]]))
    written = (await _forked_file(two_turns.h, None, path)).read_bytes()
    assert b"not a rollout line" not in written
    assert written.count(b"question two") >= 1  # the whole thread, items written again
