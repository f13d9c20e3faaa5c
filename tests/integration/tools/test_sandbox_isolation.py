"""What a sandboxed command cannot reach: the host's Unix sockets (file and abstract ones, with
and without the network), LHA_HOME, and the keys lha holds (in every sandbox mode)."""

from __future__ import annotations

import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config.model import SandboxWorkspaceWrite
from core.protocol.session import SandboxMode
from tests.support.agent_harness import TEST_KEY, make_harness, run_turn
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import shell, start_tool_thread, tool_end

CONNECT = """
import socket, sys
try:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(3)
    s.connect(sys.argv[1].replace("@", "\\0", 1))
    print("CONNECTED")
except OSError as err:
    print("refused:", err)
"""
SERVE_AND_CONNECT = """
import socket
server = socket.socket(socket.AF_UNIX)
server.bind("own.sock")
server.listen()
client = socket.socket(socket.AF_UNIX)
client.connect("own.sock")
print("OWN SOCKET WORKS")
"""


@pytest.fixture
def listeners(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Host Unix listeners: in /var/tmp, in a plain folder outside the sandbox's private ones,
    in the workspace, and in the abstract namespace (``@name``)."""
    places = {
        "var_tmp": Path("/var/tmp") / f"lha-sock-{uuid.uuid4().hex[:8]}",
        "home": Path.home() / ".cache" / f"lha-sock-{uuid.uuid4().hex[:8]}",
        "workspace": tmp_path / "work",
    }
    open_sockets: list[socket.socket] = []
    addresses: dict[str, str] = {}
    for name, folder in places.items():
        folder.mkdir(parents=True, exist_ok=True)
        addresses[name] = str(folder / "listener.sock")
    addresses["abstract"] = f"@lha-test-{uuid.uuid4().hex[:8]}"
    for address in addresses.values():
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(address.replace("@", "\0", 1))
        listener.listen()
        open_sockets.append(listener)
    yield addresses
    for listener in open_sockets:
        listener.close()
    for name in ("var_tmp", "home"):
        shutil.rmtree(places[name], ignore_errors=True)


@pytest.mark.usefixtures("bwrap_ok")
@pytest.mark.parametrize("network", [False, True])
async def test_host_unix_sockets_are_out_of_reach(
    tmp_path: Path, scripted_server: ScriptedServer, listeners: dict[str, str], network: bool
) -> None:
    widened = SandboxWorkspaceWrite(network_access=network)
    h, thread = await start_tool_thread(tmp_path, scripted_server, sandbox_workspace_write=widened)
    calls = [shell(name, ["python3", "-c", CONNECT, path]) for name, path in listeners.items()]
    calls.append(shell("own", ["python3", "-c", SERVE_AND_CONNECT]))
    scripted_server.enqueue(Reply.tool_calls(calls), Reply.text("done"))
    events = await run_turn(thread, "connect", within_s=30)
    for name in ("var_tmp", "home", "abstract"):
        assert "refused" in tool_end(events, name).output, name
    if network:
        assert "Operation not permitted" in tool_end(events, "workspace").output
        assert "Operation not permitted" in tool_end(events, "own").output
    else:
        assert "CONNECTED" in tool_end(events, "workspace").output
        assert "OWN SOCKET WORKS" in tool_end(events, "own").output
    await h.manager.remove_and_close_all_threads()


@pytest.mark.usefixtures("bwrap_ok")
async def test_read_only_mode_hides_host_sockets_too(
    tmp_path: Path, scripted_server: ScriptedServer, listeners: dict[str, str]
) -> None:
    h, thread = await start_tool_thread(tmp_path, scripted_server, sandbox_mode="read-only")
    calls = [shell(name, ["python3", "-c", CONNECT, path]) for name, path in listeners.items()]
    scripted_server.enqueue(Reply.tool_calls(calls), Reply.text("done"))
    events = await run_turn(thread, "connect", within_s=30)
    for name in ("var_tmp", "home", "abstract"):
        assert "refused" in tool_end(events, name).output, name
    assert "CONNECTED" in tool_end(events, "workspace").output
    await h.manager.remove_and_close_all_threads()


@pytest.mark.usefixtures("bwrap_ok")
@pytest.mark.parametrize("mode", ["workspace-write", "read-only"])
async def test_lha_home_is_hidden_but_a_root_named_in_it_is_not(
    tmp_path: Path, scripted_server: ScriptedServer, mode: SandboxMode
) -> None:
    home = tmp_path / "home"
    rollout = home / "sessions" / "2026" / "rollout-other.jsonl"
    rollout.parent.mkdir(parents=True)
    rollout.write_text("another session's secrets\n")
    (home / "scratch").mkdir()
    roots = SandboxWorkspaceWrite(writable_roots=[home / "scratch"])
    h, thread = await start_tool_thread(
        tmp_path, scripted_server, sandbox_mode=mode, sandbox_workspace_write=roots
    )
    scripted_server.enqueue(
        Reply.tool_calls(
            [
                shell("read", ["cat", str(rollout)]),
                shell("list", ["ls", "-A", str(home)]),
                shell("root", f"echo ok > {home}/scratch/out.txt && cat {home}/scratch/out.txt"),
            ]
        ),
        Reply.text("done"),
    )
    events = await run_turn(thread, "snoop", within_s=30)
    read = tool_end(events, "read")
    assert not read.success and "another session" not in read.output
    listing = tool_end(events, "list").output.split("Output:\n", 1)[1]
    root = tool_end(events, "root")
    if mode == "workspace-write":
        assert listing.split() == ["scratch"], "only the named root shows in LHA_HOME"
        assert root.success and (home / "scratch" / "out.txt").read_text() == "ok\n"
    else:
        assert listing.split() == [], "read-only has no writable roots"
        assert not root.success and not (home / "scratch" / "out.txt").exists()
    await h.manager.remove_and_close_all_threads()


@pytest.mark.parametrize("mode", ["workspace-write", "danger-full-access"])
async def test_provider_keys_never_reach_a_command(
    tmp_path: Path,
    scripted_server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    mode: SandboxMode,
) -> None:
    """``env_key = "LLM_AUTH"`` has no secret-looking name; it and any copy of a held key (the
    provider's or the one saved by ``lha login``) are left out."""
    if mode != "danger-full-access":
        from core.tools.sandbox import bwrap_problem

        if await bwrap_problem() is not None:
            pytest.skip("bubblewrap cannot run here")
    provider_key = "llm-auth-" + uuid.uuid4().hex
    monkeypatch.setenv("LLM_AUTH", provider_key)
    monkeypatch.setenv("PROVIDER_COPY", f"Bearer {provider_key}")
    monkeypatch.setenv("SAVED_COPY", TEST_KEY)
    monkeypatch.setenv("HARMLESS_SETTING", "kept")
    h = make_harness(tmp_path, scripted_server, env_key="LLM_AUTH", requires_auth=True)
    config = h.config.model_copy(update={"sandbox_mode": mode})
    thread = (await h.manager.start_thread(config)).thread
    scripted_server.enqueue(Reply.tool_calls([shell("env", ["env"])]), Reply.text("done"))
    events = await run_turn(thread, "print env", within_s=20)
    output = tool_end(events, "env").output
    assert "HARMLESS_SETTING=kept" in output
    for leaked in ("LLM_AUTH", "PROVIDER_COPY", "SAVED_COPY", provider_key, TEST_KEY):
        assert leaked not in output
    await h.manager.remove_and_close_all_threads()


@pytest.fixture
def host_scratch_files() -> Iterator[list[Path]]:
    """A file of the host's in each scratch folder the sandbox replaces (where writable)."""
    name = f"lha-host-{uuid.uuid4().hex[:8]}"
    made: list[Path] = []
    for folder in ("/tmp", "/var/tmp", "/run", "/dev/shm"):
        path = Path(folder) / name
        try:
            path.write_text("host\n")
        except OSError:
            continue
        made.append(path)
    yield made
    for path in made:
        path.unlink(missing_ok=True)


@pytest.mark.usefixtures("bwrap_ok")
@pytest.mark.parametrize("mode", ["workspace-write", "read-only"])
async def test_scratch_folders_are_private(
    tmp_path: Path,
    scripted_server: ScriptedServer,
    host_scratch_files: list[Path],
    mode: SandboxMode,
) -> None:
    assert host_scratch_files, "no scratch folder is writable here"
    h, thread = await start_tool_thread(tmp_path, scripted_server, sandbox_mode=mode)
    folders = [str(path.parent) for path in host_scratch_files]
    scripted_server.enqueue(
        Reply.tool_calls([shell("ls", ["ls", "-A", *folders])]), Reply.text("done")
    )
    events = await run_turn(thread, "look around", within_s=20)
    listing = tool_end(events, "ls")
    assert listing.success
    assert host_scratch_files[0].name not in listing.output
    await h.manager.remove_and_close_all_threads()
