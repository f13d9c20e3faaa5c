"""Compaction over real HTTP: the summary request, the replaced history, the ``compacted`` line that
resume reads back, forks from before it, failures that change nothing, and the automatic limit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.agent.compaction import COMPACTION_PROMPT
from core.protocol.events import ContextCompacted, ErrorEvent, Warning
from core.protocol.ops import Compact
from core.protocol.rollout import CompactedRecord, RolloutLine
from core.rollout.recorder import RolloutRecorder
from tests.support.agent_harness import (
    Harness,
    completed,
    events_until,
    is_turn_end,
    make_harness,
    run_turn,
    types,
)
from tests.support.replies import Reply
from tests.support.scripted_server import ScriptedServer
from tests.support.tool_harness import shell, start_tool_thread

PROMPT_START = COMPACTION_PROMPT.split("\n", 1)[0][:40]


def _texts(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(m["role"]), str(m["content"])) for m in body["messages"]]


def _rollout_types(path: Path) -> list[str]:
    return [RolloutLine.parse(line).item.type for line in path.read_text().splitlines()]


async def _three_turns(h: Harness) -> Any:
    new = await h.manager.start_thread(h.config)
    for n in range(3):
        h.server.enqueue(Reply.text(f"answer {n}"))
        await run_turn(new.thread, f"question {n}")
    return new


async def test_compact_replaces_history_and_resume_continues_from_it(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    new = await _three_turns(h)
    scripted_server.enqueue(Reply.text("SUMMARY: asked three questions"))
    await new.thread.submit(Compact(instructions="keep the numbers"))
    events = await events_until(new.thread, is_turn_end)
    assert types(events) == ["task_started", "context_compacted", "task_complete"]
    compacted = events[1].msg
    assert isinstance(compacted, ContextCompacted)
    assert compacted.summary == "SUMMARY: asked three questions"
    assert compacted.tokens_after > 0 and compacted.tokens_before > 0  # tiny: no saving
    asked = _texts(scripted_server.last_body())[-1]
    assert asked[0] == "user" and PROMPT_START in asked[1] and "keep the numbers" in asked[1]

    scripted_server.enqueue(Reply.text("answer 3"))
    await run_turn(new.thread, "question 3")
    sent = _texts(scripted_server.last_body())
    contents = [text for _, text in sent]
    assert not any(text.startswith("answer") for text in contents), "old answers are gone"
    users = [text for role, text in sent if role == "user"]
    assert "<environment_context>" in users[0], "the session prefix stays"
    assert users[-5:-2] == ["question 0", "question 1", "question 2"]
    assert "SUMMARY: asked three questions" in users[-2] and users[-1] == "question 3"

    path = new.thread.rollout_path
    assert path is not None
    await h.manager.remove_and_close_all_threads()
    assert _rollout_types(path).count("compacted") == 1
    requests_before = len(scripted_server.model_requests())
    resumed = await h.manager.resume_thread_from_rollout(h.config, path, h.manager.auth_manager())
    scripted_server.enqueue(Reply.text("answer 4"))
    await run_turn(resumed.thread, "question 4")
    assert len(scripted_server.model_requests()) == requests_before + 1, "no compaction again"
    resumed_users = [t for r, t in _texts(scripted_server.last_body()) if r == "user"]
    assert "SUMMARY: asked three questions" in resumed_users[-3]
    resumed_texts = [t for _, t in _texts(scripted_server.last_body())]
    assert "answer 0" not in resumed_texts and "answer 3" in resumed_texts
    await h.manager.remove_and_close_all_threads()

    fork = await h.manager.fork_thread(2, h.config, path)
    scripted_server.enqueue(Reply.text("forked answer"))
    await run_turn(fork.thread, "another question 2")
    forked = [t for _, t in _texts(scripted_server.last_body())]
    assert "answer 0" in forked and "answer 1" in forked, "a fork from before gets it all"
    assert not any("<conversation_summary>" in t for t in forked)
    await h.manager.remove_and_close_all_threads()


async def test_a_failed_compaction_changes_nothing(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, stream_max_retries=0)
    new = await _three_turns(h)
    path = new.thread.rollout_path
    assert path is not None
    lines_before = path.read_text()
    scripted_server.enqueue(Reply.error(400, message="bad request"))
    await new.thread.submit(Compact())
    events = await events_until(new.thread, is_turn_end)
    error = events[-1].msg
    assert isinstance(error, ErrorEvent) and "history is unchanged" in error.message
    assert "\n" not in error.message
    scripted_server.enqueue(Reply.failed("the model crashed", after=2, text="half a summary"))
    await new.thread.submit(Compact())
    events = await events_until(new.thread, is_turn_end)
    assert isinstance(events[-1].msg, ErrorEvent), types(events)

    scripted_server.enqueue(Reply.text("answer 3"))
    await run_turn(new.thread, "question 3")
    contents = [t for _, t in _texts(scripted_server.last_body())]
    assert "answer 0" in contents and not any("half a summary" in t for t in contents)
    await h.manager.remove_and_close_all_threads()
    text = path.read_text()
    assert text.startswith(lines_before), "only appended"
    assert "compacted" not in _rollout_types(path)


async def test_compact_on_an_empty_thread_writes_nothing(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    new = await h.manager.start_thread(h.config)
    await new.thread.submit(Compact())
    events = await events_until(new.thread, is_turn_end)
    own = [e for e in events if e.id]  # not the session's start-up notes
    assert types(own) == ["task_started", "warning", "task_complete"]
    assert "nothing to compact" in own[1].msg.message  # type: ignore[union-attr]
    assert scripted_server.model_requests() == []
    path = new.thread.rollout_path
    await h.manager.remove_and_close_all_threads()
    assert path is None or not path.exists() or "warning" not in path.read_text()


def _big(n: int) -> str:
    return f"question {n}: " + "word " * 200  # ~1,000 bytes


async def test_a_turn_past_the_limit_compacts_first_and_a_failure_falls_back(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    h.config = h.config.model_copy(update={"model_auto_compact_token_limit": 2_800})
    new = await h.manager.start_thread(h.config)
    compactions: list[ContextCompacted] = []
    for n in range(8):
        events = await run_turn(new.thread, _big(n))
        compactions += [e.msg for e in events if isinstance(e.msg, ContextCompacted)]
        if compactions:
            break
    assert compactions and compactions[0].automatic
    bodies = scripted_server.bodies()
    assert PROMPT_START in _texts(bodies[-2])[-1][1], "the summary request comes first"
    answers_before = [t for r, t in _texts(bodies[-3]) if r == "assistant"]
    assert answers_before and not [t for r, t in _texts(bodies[-1]) if r == "assistant"]
    path = new.thread.rollout_path
    assert path is not None
    lines = [RolloutLine.parse(raw).item for raw in path.read_text().splitlines()]
    compacted = [item for item in lines if isinstance(item, CompactedRecord)]
    assert len(compacted) == 1 and compacted[0].payload.replacement_history
    history = await RolloutRecorder.get_rollout_history(path)
    users = [m for m in history.get_event_msgs() or [] if m.type == "user_message"]
    assert len(users) == n + 1, "the rollout keeps every message"

    await h.manager.remove_and_close_all_threads()


async def test_a_failed_automatic_compaction_warns_once_and_the_turn_goes_on(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    h.config = h.config.model_copy(update={"model_auto_compact_token_limit": 50})
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(Reply.text("first"))
    await run_turn(new.thread, "hello")  # a thread with nothing before: nothing to compact
    scripted_server.enqueue(Reply.error(400, message="no"), Reply.text("second"))
    events = await run_turn(new.thread, "again")
    warnings = [e.msg.message for e in events if isinstance(e.msg, Warning)]
    assert len(warnings) == 1 and warnings[0].startswith("compaction failed")
    assert events[-1].msg.type == "task_complete"
    assert "first" in [t for _, t in _texts(scripted_server.last_body())]
    path = new.thread.rollout_path
    await h.manager.remove_and_close_all_threads()
    assert path is not None and "compacted" not in _rollout_types(path)


async def test_a_long_tool_round_compacts_before_the_next_request_and_the_turn_goes_on(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """Mid-turn, as the Codex CLI does: the tool's output pushed the next request past the
    limit, so the summary request comes between the tool round and that request."""
    limit = 2_500
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, model_auto_compact_token_limit=limit
    )
    big = "head -c 12000 /dev/zero | tr '\\0' x"
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", big)]),
        Reply.text("SUMMARY: printed twelve thousand x"),
        Reply.tool_calls([shell("c2", "echo small")]),
        Reply.text("done"),
    )
    events = await run_turn(thread, "print a lot, then something small")
    assert events[-1].msg.type == "task_complete"
    assert completed(events).last_agent_message == "done", "the turn went on"
    kinds = [e.msg.type for e in events]
    compacted = kinds.index("context_compacted")
    tool_ends = [i for i, kind in enumerate(kinds) if kind == "tool_call_end"]
    assert tool_ends[0] < compacted < tool_ends[1], "between the tool rounds"
    [msg] = [e.msg for e in events if isinstance(e.msg, ContextCompacted)]
    assert msg.automatic and msg.tokens_after < limit < msg.tokens_before

    bodies = scripted_server.bodies()
    assert len(bodies) == 4
    assert PROMPT_START in _texts(bodies[1])[-1][1], "the summary request, after the output"
    after = json.dumps(bodies[2])
    assert "SUMMARY: printed twelve thousand x" in after and "x" * 12_000 not in after
    assert "print a lot" in after, "the user's message is kept"
    path = thread.rollout_path
    await h.manager.remove_and_close_all_threads()
    assert path is not None
    types_in_file = _rollout_types(path)
    assert types_in_file.count("compacted") == 1
    assert "x" * 12_000 in path.read_text(), "the rollout keeps the output"
