"""Snapshots around real turns: a scripted model's shell calls edit the thread's folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.protocol.events import Warning
from core.protocol.ops import Interrupt, UserInput
from core.snapshots import turn_hook
from core.snapshots.diff import turn_diff
from core.snapshots.store import ThreadSnapshots, load_thread_snapshots
from tests.support.agent_harness import completed, events_until, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import shell, start_tool_thread


def thread_snapshots(home: Path, thread_id: str) -> ThreadSnapshots:
    snapshots = load_thread_snapshots(home, thread_id)
    assert snapshots is not None
    return snapshots


async def test_a_turn_is_snapshotted_before_and_after(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    work = Path(h.config.cwd)
    (work / "notes.txt").write_text("old\n")
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", "echo new > notes.txt")]), Reply.text("ok"), Reply.text("hi")
    )
    completed(await run_turn(thread, "edit"))
    completed(await run_turn(thread, "just talk"))
    thread_id = str(thread.thread_id)
    [first, second] = thread_snapshots(h.home, thread_id).turns
    assert (first.turn, second.turn) == (0, 1)
    assert first.has_changes and not second.has_changes
    assert first.folders[0].root.endswith(f"/{work.name}")
    assert "-old\n+new" in turn_diff(h.home, thread_id)
    assert oct((h.home / "snapshots").stat().st_mode & 0o777) == "0o700"
    listing = h.home / "snapshots" / "threads" / f"{thread_id}.json"
    assert oct(listing.stat().st_mode & 0o777) == "0o600"
    await h.manager.remove_and_close_all_threads()


async def test_an_interrupted_turn_still_gets_its_after_snapshot(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    scripted_server.enqueue(
        Reply.tool_calls([shell("c1", "echo half > made.txt; echo written; sleep 30")])
    )
    await thread.submit(UserInput.text("start and hang"))
    await events_until(thread, lambda m: "written" in str(getattr(m, "chunk", "")))
    await thread.submit(Interrupt())
    await events_until(thread, lambda m: m.type == "turn_aborted")
    thread_id = str(thread.thread_id)
    for _ in range(100):
        [turn] = thread_snapshots(h.home, thread_id).turns
        if turn.folders[0].after is not None:
            break
        await asyncio.sleep(0.05)
    assert turn.has_changes
    assert "+half" in turn_diff(h.home, thread_id)
    await h.manager.remove_and_close_all_threads()


async def test_without_git_a_turn_warns_once_and_runs(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turn_hook, "find_git", lambda: None)
    monkeypatch.setattr(turn_hook, "_git_missing_warned", False)
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    scripted_server.enqueue(Reply.text("one"), Reply.text("two"))
    warnings = [
        e.msg.message
        for text in ("a", "b")
        for e in await run_turn(thread, text)
        if isinstance(e.msg, Warning) and "git" in e.msg.message
    ]
    assert warnings == [
        "git is not installed: file changes are not snapshotted "
        "(`lha diff` and `lha undo` are unavailable)"
    ]
    assert not (h.home / "snapshots").exists()
    await h.manager.remove_and_close_all_threads()
