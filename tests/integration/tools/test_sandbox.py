"""bubblewrap enforcement: writes outside the workspace and network access fail; the
workspace and a private /tmp are writable; a missing bwrap is an error, never an unsandboxed
run."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from core.config.model import SandboxWorkspaceWrite
from core.protocol.events import Warning
from core.tools import sandbox
from tests.support.agent_harness import run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import shell, start_tool_thread, tool_end


def _on_host(path: str) -> bool:
    return os.path.exists(path)


@pytest.fixture
def outside_dir() -> Iterator[Path]:
    """A folder outside the workspace and the sandbox's private /tmp, /var/tmp and /run
    (created and removed by the test)."""
    path = Path.home() / ".cache" / f"lha-sandbox-test-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.usefixtures("bwrap_ok")
async def test_workspace_write_mode(
    tmp_path: Path, scripted_server: ScriptedServer, outside_dir: Path
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server)
    (h.config.cwd / ".git").mkdir()
    port = urlparse(scripted_server.base_url).port
    connect = (
        "python3 -c \"import socket; socket.create_connection(('127.0.0.1', "
        f"{port}), timeout=3); print('CONNECTED')\""
    )
    tmp_file = f"/tmp/lha-sandbox-{uuid.uuid4().hex[:8]}"
    scripted_server.enqueue(
        Reply.tool_calls(
            [
                shell("inside", "echo ok > inside.txt && mkdir -p sub && echo ok > sub/f"),
                shell("outside", f"echo bad > {outside_dir}/escaped.txt"),
                shell("net", connect),
                shell("tmp", f"echo ok > {tmp_file} && cat {tmp_file}"),
                shell("git", "echo evil > .git/hooks-pre-commit"),
            ]
        ),
        Reply.text("done"),
    )
    events = await run_turn(thread, "try things", within_s=20)
    assert tool_end(events, "inside").success
    assert (h.config.cwd / "inside.txt").read_text() == "ok\n"
    assert (h.config.cwd / "sub" / "f").exists()
    outside = tool_end(events, "outside")
    assert not outside.success and "Read-only file system" in outside.output
    assert not (outside_dir / "escaped.txt").exists()
    net = tool_end(events, "net")
    assert not net.success and "CONNECTED" not in net.output
    tmp = tool_end(events, "tmp")
    assert tmp.success and "ok" in tmp.output
    assert not _on_host(tmp_file), "the sandbox's /tmp is its own"
    assert not tool_end(events, "git").success, ".git stays read-only in the workspace"
    await h.manager.remove_and_close_all_threads()


@pytest.mark.usefixtures("bwrap_ok")
async def test_writable_roots_and_network_access_widen_workspace_write(
    tmp_path: Path, scripted_server: ScriptedServer, outside_dir: Path
) -> None:
    """``[sandbox_workspace_write]``: a listed root becomes writable and the network reachable;
    another folder outside stays read-only, and a missing root is skipped."""
    widened = SandboxWorkspaceWrite(
        writable_roots=[outside_dir, Path("missing-root")], network_access=True
    )
    h, thread = await start_tool_thread(tmp_path, scripted_server, sandbox_workspace_write=widened)
    other = outside_dir.with_name(outside_dir.name + "-other")
    other.mkdir()
    port = urlparse(scripted_server.base_url).port
    connect = (
        "python3 -c \"import socket; socket.create_connection(('127.0.0.1', "
        f"{port}), timeout=3); print('CONNECTED')\""
    )
    scripted_server.enqueue(
        Reply.tool_calls(
            [
                shell("root", f"echo ok > {outside_dir}/allowed.txt"),
                shell("other", f"echo bad > {other}/escaped.txt"),
                shell("net", connect),
            ]
        ),
        Reply.text("done"),
    )
    try:
        events = await run_turn(thread, "try things", within_s=20)
        assert tool_end(events, "root").success
        assert (outside_dir / "allowed.txt").read_text() == "ok\n"
        assert not tool_end(events, "other").success and not (other / "escaped.txt").exists()
        net = tool_end(events, "net")
        assert net.success and "CONNECTED" in net.output
    finally:
        shutil.rmtree(other, ignore_errors=True)
        await h.manager.remove_and_close_all_threads()


@pytest.mark.usefixtures("bwrap_ok")
async def test_read_only_mode_blocks_workspace_writes(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, sandbox_mode="read-only")
    (h.config.cwd / "seen.txt").write_text("visible")
    scripted_server.enqueue(
        Reply.tool_calls([shell("w", "echo x > new.txt"), shell("r", ["cat", "seen.txt"])]),
        Reply.text("done"),
    )
    events = await run_turn(thread, "go")
    assert not tool_end(events, "w").success and not (h.config.cwd / "new.txt").exists()
    assert "visible" in tool_end(events, "r").output
    await h.manager.remove_and_close_all_threads()


async def test_missing_bwrap_refuses_with_the_fix(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    sandbox.reset_probe()
    monkeypatch.setattr(sandbox.shutil, "which", lambda name, **_: None)
    try:
        h, thread = await start_tool_thread(tmp_path, scripted_server)
        scripted_server.enqueue(
            Reply.tool_calls([shell("c1", ["touch", "made.txt"])]),
            Reply.tool_calls([shell("c2", ["touch", "made.txt"])]),
            Reply.text("done"),
        )
        events = await run_turn(thread, "go")
    finally:
        sandbox.reset_probe()
    end = tool_end(events, "c1")
    assert not end.success and "apt-get install bubblewrap" in end.output
    warnings = [
        e.msg for e in events if isinstance(e.msg, Warning) and "bubblewrap" in e.msg.message
    ]
    assert len(warnings) == 1, "one warning per thread"
    assert not (h.config.cwd / "made.txt").exists()
    await h.manager.remove_and_close_all_threads()


async def test_danger_full_access_needs_no_bwrap(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.reset_probe()
    monkeypatch.setattr(sandbox.shutil, "which", lambda name, **_: None)
    try:
        h, thread = await start_tool_thread(
            tmp_path, scripted_server, sandbox_mode="danger-full-access"
        )
        scripted_server.enqueue(
            Reply.tool_calls([shell("c1", ["touch", "made.txt"])]), Reply.text("done")
        )
        events = await run_turn(thread, "go")
    finally:
        sandbox.reset_probe()
    assert tool_end(events, "c1").success and (h.config.cwd / "made.txt").exists()
    await h.manager.remove_and_close_all_threads()
