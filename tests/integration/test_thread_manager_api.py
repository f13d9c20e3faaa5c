"""The ThreadManager's whole surface: map, broadcast, close-all, MCP refresh, captured ops."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.agent.agent import Agent
from core.agent.broadcast import Broadcast, BroadcastLagged
from core.agent.spawn import build_session
from core.errors import SessionConfiguredNotFirstEvent, ThreadNotFound
from core.protocol.events import Warning
from core.protocol.history import InitialHistory
from core.protocol.ids import ThreadId
from core.protocol.ops import McpServerRefreshConfig, RefreshMcpServers, UserInput
from core.protocol.session import SessionSource
from tests.support.agent_harness import TEST_KEY, events_until, make_harness, run_turn
from tests.support.scripted_server import Reply, ScriptedServer


async def test_threads_map_get_remove(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    h = make_harness(tmp_path, scripted_server)
    a = await h.manager.start_thread(h.config)
    b = await h.manager.start_thread(h.config)
    assert set(await h.manager.list_thread_ids()) == {a.thread_id, b.thread_id}
    assert await h.manager.get_thread(a.thread_id) is a.thread
    assert await h.manager.get_thread(str(a.thread_id)) is a.thread
    with pytest.raises(ThreadNotFound):
        await h.manager.get_thread(ThreadId.new())
    with pytest.raises(ThreadNotFound):
        await h.manager.get_thread("not-an-id")
    assert await h.manager.remove_thread(a.thread_id) is a.thread
    assert await h.manager.remove_thread(a.thread_id) is None
    assert await h.manager.list_thread_ids() == [b.thread_id]
    await h.manager.remove_and_close_all_threads()
    assert await h.manager.list_thread_ids() == []
    assert h.manager.session_source() is SessionSource.EXEC


async def test_every_spawn_is_broadcast_in_order(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    receiver = h.manager.subscribe_thread_created()
    late_receiver = None
    started = await h.manager.start_thread(h.config)
    await run_turn(started.thread, "hello")
    path = started.thread.rollout_path
    assert path is not None
    late_receiver = h.manager.subscribe_thread_created()
    forked = await h.manager.fork_thread(0, h.config, path)
    await h.manager.remove_thread(started.thread_id)
    resumed = await h.manager.resume_thread_from_rollout(h.config, path, h.manager.auth_manager())
    got = [await asyncio.wait_for(receiver.recv(), 1) for _ in range(3)]
    assert got == [started.thread_id, forked.thread_id, resumed.thread_id]
    assert await late_receiver.recv() == forked.thread_id
    await h.manager.remove_and_close_all_threads()


async def test_broadcast_reports_lag_then_continues() -> None:
    channel: Broadcast[int] = Broadcast(4)
    receiver = channel.subscribe()
    for value in range(10):
        channel.send(value)
    with pytest.raises(BroadcastLagged) as lag:
        await receiver.recv()
    assert lag.value.missed == 6
    assert [await receiver.recv() for _ in range(4)] == [6, 7, 8, 9]
    assert channel.send(10) == 1
    assert await receiver.recv() == 10


async def test_close_all_during_a_running_turn(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    threads = [await h.manager.start_thread(h.config) for _ in range(3)]
    for _ in threads:
        scripted_server.enqueue(Reply.text("never finishes", stall_after=1, stall_s=30))
    for new in threads:
        await new.thread.submit(UserInput.text("long job"))
    for new in threads:
        await events_until(new.thread, lambda m: m.type == "agent_message_delta")
    before = asyncio.all_tasks()
    await asyncio.wait_for(h.manager.remove_and_close_all_threads(), 5)
    for new in threads:
        events = await events_until(new.thread, lambda m: m.type == "shutdown_complete")
        assert events[-1].msg.type == "shutdown_complete"
        assert not new.thread.is_running
    await asyncio.sleep(0)
    leftover = [t for t in asyncio.all_tasks() & before if not t.done()]
    leftover = [t for t in leftover if t is not asyncio.current_task()]
    assert not [t for t in leftover if t.get_name().startswith("agent-")]
    assert await h.manager.list_thread_ids() == []


async def test_refresh_mcp_servers_reaches_every_thread_and_ops_are_captured(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    a = await h.manager.start_thread(h.config)
    b = await h.manager.start_thread(h.config)
    config = McpServerRefreshConfig(mcp_servers={"docs": {"command": "true"}})
    await h.manager.refresh_mcp_servers(config)
    captured = h.manager.captured_ops()
    assert {tid for tid, _ in captured} == {a.thread_id, b.thread_id}
    assert all(isinstance(op, RefreshMcpServers) and op.config == config for _, op in captured)
    await run_turn(a.thread, "hi")
    assert isinstance(h.manager.captured_ops()[-1][1], UserInput)
    await h.manager.remove_and_close_all_threads()


async def test_a_first_event_other_than_session_configured_is_refused(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    session, _ = await build_session(
        h.config,
        h.manager.auth_manager(),
        h.manager.get_models_manager(),
        h.manager.skills_manager(),
        InitialHistory.new(),
        SessionSource.EXEC,
        [],
    )
    agent = Agent(session, [Warning(message="not what you expected")])
    with pytest.raises(SessionConfiguredNotFirstEvent):
        await h.manager._finalize_thread_spawn(agent)
    assert await h.manager.list_thread_ids() == []
    await asyncio.wait_for(agent.wait_closed(), 5)


async def test_api_key_reaches_no_file_under_lha_home(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server, "responses", requires_auth=True)
    new = await h.manager.start_thread(h.config)
    await run_turn(new.thread, "hello")
    assert scripted_server.model_requests()[-1].headers["authorization"] == f"Bearer {TEST_KEY}"
    await h.manager.remove_and_close_all_threads()
    for path in h.home.rglob("*"):
        if path.is_file():
            assert TEST_KEY not in path.read_text(errors="replace"), path


async def test_a_hundred_threads_run_turns_at_once(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h = make_harness(tmp_path, scripted_server)
    threads = [await h.manager.start_thread(h.config) for _ in range(100)]
    results = await asyncio.gather(
        *(run_turn(t.thread, f"q{i}", 30) for i, t in enumerate(threads))
    )
    assert all(r[-1].msg.type == "task_complete" for r in results)
    await h.manager.remove_and_close_all_threads()
