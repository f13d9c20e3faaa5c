"""Memories end to end: real threads over real HTTP against the scripted server.

Past rollouts are made by real turns, then aged by setting their mtime two hours back; the
start-up task of a later spawn summarises them with the thread's model.
"""

from __future__ import annotations

import asyncio
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from core.agent.memories import wait_for_startup_tasks
from core.config.model import Config, FeaturesConfig
from core.memories.layout import memories_root, memory_file, summaries_dir, summary_file
from core.memories.settings import MemoriesSettings
from core.memories.summarize import SUMMARY_INSTRUCTIONS
from core.protocol.ids import ThreadId
from core.protocol.session import SessionSource
from tests.support.agent_harness import Harness, make_harness, run_turn
from tests.support.scripted_server import Reply, ScriptedServer

TWO_HOURS_S = 2 * 3600


def with_memories(config: Config, **fields: Any) -> Config:
    return config.model_copy(update={"features": FeaturesConfig(memories=True), **fields})


def is_summary_request(body: Any) -> bool:
    """A summary request on either wire API (its instructions are the summariser's)."""
    if not isinstance(body, dict):
        return False
    if body.get("instructions") == SUMMARY_INSTRUCTIONS:  # Responses API
        return True
    messages = body.get("messages", [])
    return any(
        m.get("role") == "system" and m.get("content") == SUMMARY_INSTRUCTIONS for m in messages
    )


def summary_requests(server: ScriptedServer) -> list[Any]:
    return [body for body in server.bodies() if is_summary_request(body)]


async def past_rollout(h: Harness, text: str, *, idle: bool = True) -> tuple[ThreadId, Path]:
    """A finished session whose user typed ``text``; idle ones look two hours old."""
    new = await h.manager.start_thread(h.config)  # memories off: no start-up task
    h.server.enqueue(Reply.text(f"done: {text}"))
    await run_turn(new.thread, text)
    await h.manager.remove_and_close_all_threads()
    path = new.thread.rollout_path
    assert path is not None and path.exists()
    if idle:
        past = time.time() - TWO_HOURS_S
        os.utime(path, (past, past))
    return new.thread_id, path


async def spawn_and_settle(h: Harness, config: Config) -> ThreadId:
    """Start a thread (which starts the memories task) and wait for the task to finish."""
    new = await h.manager.start_thread(config)
    await wait_for_startup_tasks(timeout_s=10)
    await h.manager.remove_and_close_all_threads()
    return new.thread_id


async def test_idle_rollout_is_summarised_and_consolidated(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    idle_id, _ = await past_rollout(h, "fix the flaky parser test in parse.py")
    fresh_id, _ = await past_rollout(h, "a session that just ended", idle=False)
    scripted_server.enqueue(Reply.text("- Fixed the flaky parser test in parse.py."))

    current = await spawn_and_settle(h, with_memories(h.config))

    bodies = summary_requests(scripted_server)
    assert len(bodies) == 1, "one summary: the idle rollout, not the fresh one nor the current"
    transcript = bodies[0]["messages"][-1]["content"]
    assert "User: fix the flaky parser test in parse.py" in transcript
    assert "Assistant: done: fix the flaky parser test" in transcript
    assert "<environment_context>" not in transcript, "injected context is not summarised"
    assert bodies[0]["model"] == "gpt-test", "the thread's model is asked"

    summary = summary_file(h.home, idle_id)
    assert "Fixed the flaky parser test" in summary.read_text()
    assert not summary_file(h.home, fresh_id).exists()
    assert not summary_file(h.home, current).exists()
    assert stat.S_IMODE(summary.stat().st_mode) == 0o600
    for folder in (memories_root(h.home), summaries_dir(h.home)):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    memory = memory_file(h.home)
    assert stat.S_IMODE(memory.stat().st_mode) == 0o600
    text = memory.read_text()
    assert "Fixed the flaky parser test" in text
    assert "Task: fix the flaky parser test in parse.py" in text
    assert list((memories_root(h.home) / ".leases").iterdir()) == [], "leases are released"

    await spawn_and_settle(h, with_memories(h.config))
    assert len(summary_requests(scripted_server)) == 1, "a summarised rollout is not redone"


async def test_new_thread_starts_with_memory(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    await past_rollout(h, "set up the release workflow")
    scripted_server.enqueue(Reply.text("- The user prefers squash merges."))
    config = with_memories(h.config)
    await spawn_and_settle(h, config)

    new = await h.manager.start_thread(config)
    scripted_server.enqueue(Reply.text("hello"))
    await run_turn(new.thread, "hi")
    await wait_for_startup_tasks(timeout_s=10)
    await h.manager.remove_and_close_all_threads()

    system = [
        m["content"] for m in scripted_server.last_body()["messages"] if m["role"] == "system"
    ]
    memories = [text for text in system if text.startswith("<memories>")]
    assert len(memories) == 1
    assert "The user prefers squash merges." in memories[0]
    assert len(memories[0].encode()) < 9 * 1024


async def test_nothing_happens_when_the_feature_is_off(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    await past_rollout(h, "an old session")
    new = await h.manager.start_thread(h.config)
    scripted_server.enqueue(Reply.text("hello"))
    await run_turn(new.thread, "hi")
    await wait_for_startup_tasks(timeout_s=10)
    await h.manager.remove_and_close_all_threads()
    assert summary_requests(scripted_server) == []
    assert not memories_root(h.home).exists()
    assert all("<memories>" not in str(body) for body in scripted_server.bodies())


async def test_no_task_for_ephemeral_or_subagent_threads(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    _, path = await past_rollout(h, "an old session")
    await h.manager.start_thread(with_memories(h.config, ephemeral=True))
    await h.manager.fork_thread_with_source(
        0, with_memories(h.config), path, SessionSource.SUBAGENT
    )
    await wait_for_startup_tasks(timeout_s=10)
    await h.manager.remove_and_close_all_threads()
    assert summary_requests(scripted_server) == []
    assert not memories_root(h.home).exists()


async def test_resumed_thread_never_summarises_its_own_rollout(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    _, path = await past_rollout(h, "an old session")
    await h.manager.resume_thread_from_rollout(
        with_memories(h.config), path, h.manager.auth_manager()
    )
    await wait_for_startup_tasks(timeout_s=10)
    await h.manager.remove_and_close_all_threads()
    assert summary_requests(scripted_server) == []


async def test_two_managers_on_one_home_never_duplicate(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    first = make_harness(tmp_path, scripted_server)
    second = make_harness(tmp_path, scripted_server)
    assert first.home == second.home and first.manager is not second.manager
    texts = [f"task number {n}" for n in range(5)]
    ids = [(await past_rollout(first, text))[0] for text in texts]
    scripted_server.default_reply = Reply.text("- a summary of that session", chunks=4)
    scripted_server.delay_per_chunk_s = 0.01  # keep requests in flight while the other runs

    await asyncio.gather(
        first.manager.start_thread(with_memories(first.config)),
        second.manager.start_thread(with_memories(second.config)),
    )
    await wait_for_startup_tasks(timeout_s=10)
    await first.manager.remove_and_close_all_threads()
    await second.manager.remove_and_close_all_threads()

    bodies = summary_requests(scripted_server)
    asked = sorted(text for body in bodies for text in texts if text in str(body))
    assert asked == sorted(texts), "exactly one summary request per rollout"
    assert all(summary_file(first.home, thread_id).exists() for thread_id in ids)
    assert memory_file(first.home).read_text().count("a summary of that session") == 5


async def test_a_failed_summary_is_retried_by_a_later_run(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, request_max_retries=0)
    idle_id, _ = await past_rollout(h, "an old session")
    scripted_server.enqueue(Reply.error(500))
    await spawn_and_settle(h, with_memories(h.config))
    assert not summary_file(h.home, idle_id).exists()

    scripted_server.enqueue(Reply.text("- second time lucky"))
    await spawn_and_settle(h, with_memories(h.config))
    assert "second time lucky" in summary_file(h.home, idle_id).read_text()
    assert len(summary_requests(scripted_server)) == 2


async def test_concurrent_runs_split_the_work_two_requests_at_most_each(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.memories import pipeline

    h = make_harness(tmp_path, scripted_server)
    ids = {(await past_rollout(h, f"task number {n}"))[0] for n in range(6)}
    scripted_server.default_reply = Reply.text("- a summary", chunks=3)
    scripted_server.delay_per_chunk_s = 0.01
    in_flight: dict[int, int] = {}
    peak: dict[int, int] = {}
    real_ask = pipeline.ask_for_summary

    async def counting_ask(client: Any, *args: Any) -> str:
        """The real request, counted per run (each run has its own client)."""
        key = id(client)
        in_flight[key] = in_flight.get(key, 0) + 1
        peak[key] = max(peak.get(key, 0), in_flight[key])
        try:
            return await real_ask(client, *args)
        finally:
            in_flight[key] -= 1

    monkeypatch.setattr(pipeline, "ask_for_summary", counting_ask)
    config = with_memories(h.config)
    settings = MemoriesSettings(max_concurrency=2)
    one, two = await asyncio.gather(
        *(
            pipeline.run_startup_pipeline(
                config, ThreadId.new(), model="gpt-test", auth_manager=None, settings=settings
            )
            for _ in range(2)
        )
    )
    assert set(one.summarised) | set(two.summarised) == ids
    assert not set(one.summarised) & set(two.summarised)
    assert one.summarised and two.summarised, "both runs took a share"
    assert sorted(peak.values()) == [2, 2], "two requests at once per run, never more"
    assert len(summary_requests(scripted_server)) == 6

    solo = await pipeline.run_startup_pipeline(
        config, ThreadId.new(), model="gpt-test", auth_manager=None
    )
    assert solo.summarised == [] and not solo.consolidated, "nothing left to do"


async def test_summaries_over_the_responses_api(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, "responses")
    idle_id, _ = await past_rollout(h, "port the build to meson")
    scripted_server.enqueue(Reply.text("- Ported the build to meson."))
    await spawn_and_settle(h, with_memories(h.config))
    (body,) = summary_requests(scripted_server)
    assert "port the build to meson" in str(body["input"])
    assert "Ported the build to meson." in summary_file(h.home, idle_id).read_text()
