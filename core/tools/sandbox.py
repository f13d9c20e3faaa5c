"""Running a command inside bubblewrap (``bwrap``) according to the thread's ``sandbox_mode``.

- ``workspace-write``: the whole file system is visible read-only; the workspace (the thread's cwd)
  and /tmp are writable, except the workspace's ``.git`` and ``.lha`` folders (a command must not
  plant git hooks or rewrite lha's settings behind the user's back); no network.
  ``[sandbox_workspace_write]`` adds ``writable_roots`` and can allow ``network_access``.
- ``read-only``: nothing is writable; /tmp is a private scratch tmpfs discarded at exit; no network.
- ``danger-full-access``: no sandbox at all.

In every sandbox lha's ``auth.json`` is hidden, the command gets its own pid namespace and session
(no terminal injection), and it dies with lha. When bwrap is missing or cannot run (no user
namespaces), a sandboxed command is refused with the reason and the fix; it never silently runs
unsandboxed.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from pathlib import Path

from core.protocol.session import SandboxMode

BWRAP = "bwrap"
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`)"
NO_SANDBOX_HINT = (
    'or set sandbox_mode = "danger-full-access" in config.toml to run commands unsandboxed'
)
_PROTECTED_IN_WORKSPACE = (".git", ".lha")

_probe_result: str | bool | None = False
"""``False`` before the first probe; then ``None`` (bwrap works) or why it does not."""


def needs_sandbox(mode: SandboxMode) -> bool:
    return mode != "danger-full-access"


async def bwrap_problem() -> str | None:
    """None when bwrap can run a sandbox here; else a one-line reason with the fix (cached)."""
    global _probe_result
    if _probe_result is False:
        _probe_result = await _probe()
    return _probe_result if isinstance(_probe_result, str) else None


def reset_probe() -> None:
    """Forget the cached probe (tests that change PATH)."""
    global _probe_result
    _probe_result = False


async def _probe() -> str | None:
    path = shutil.which(BWRAP)
    if path is None:
        return (
            f"the sandbox needs bubblewrap, which is not installed: {INSTALL_HINT}, "
            f"{NO_SANDBOX_HINT}"
        )
    try:
        proc = await asyncio.create_subprocess_exec(
            path,
            *_namespace_flags(network=False),
            "--ro-bind",
            "/",
            "/",
            "true",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(proc.communicate(), 10)
    except (OSError, TimeoutError) as exc:
        return f"bubblewrap could not start ({exc}): {INSTALL_HINT}, {NO_SANDBOX_HINT}"
    if proc.returncode != 0:
        reason = err.decode(errors="replace").strip().splitlines()
        why = reason[-1] if reason else f"exit code {proc.returncode}"
        return (
            f"bubblewrap cannot create a sandbox here ({why}); user namespaces may be disabled. "
            f"enable them, {NO_SANDBOX_HINT}"
        )
    return None


def _namespace_flags(*, network: bool) -> list[str]:
    flags = ["--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session"]
    return flags if network else ["--unshare-net", *flags]


def bwrap_command(
    argv: Sequence[str],
    *,
    mode: SandboxMode,
    workspace: Path,
    cwd: Path,
    hidden_files: Sequence[Path] = (),
    writable_roots: Sequence[Path] = (),
    network_access: bool = False,
) -> list[str]:
    """The ``bwrap ... -- argv`` command line for ``mode`` (not for danger-full-access).

    ``writable_roots`` and ``network_access`` apply to ``workspace-write`` only; a root that
    does not exist is skipped (bwrap cannot bind it, and nothing there could be written)."""
    args = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    ws = str(workspace)
    write = mode == "workspace-write"
    if write:
        args += ["--bind", "/tmp", "/tmp", "--bind", ws, ws]
        for root in writable_roots:
            if root.is_dir():
                args += ["--bind", str(root), str(root)]
        for name in _PROTECTED_IN_WORKSPACE:
            protected = workspace / name
            if protected.exists():
                args += ["--ro-bind", str(protected), str(protected)]
    else:
        args += ["--tmpfs", "/tmp", "--ro-bind", ws, ws]
    for hidden in hidden_files:
        if hidden.is_file():
            args += ["--ro-bind", "/dev/null", str(hidden)]
    args += _namespace_flags(network=write and network_access)
    args += ["--setenv", "LHA_SANDBOX", mode, "--chdir", str(cwd), "--", *argv]
    return args
