"""Running a command inside bubblewrap (``bwrap``) according to the thread's ``sandbox_mode``.

- ``workspace-write``: the whole file system is visible read-only; the workspace (the thread's cwd)
  and the ``writable_roots`` of ``[sandbox_workspace_write]`` are writable, except the protected
  folders in them (``.git``, ``.lha``, ``.codex``, see ``protected_paths``): existing ones are
  read-only and missing ones at the top of a root are covered by an empty read-only folder, so a
  command can neither plant git hooks nor write instructions for later sessions. lha creates
  that empty folder on the host just before the command and removes it afterwards (when still
  empty and no other command of this lha uses it); a record in ``LHA_HOME`` lets a later lha
  remove those a crash left (``placeholder_record``). Missing ones deeper down cannot be covered:
  the launch's ``watch`` finds those the command created (``created_protected``), for the
  shell tool to ask about. No network unless ``network_access``.
- ``read-only``: nothing outside the private folders below is writable; no network.
- ``danger-full-access``: no sandbox at all.

In both sandboxes a command gets its own empty /tmp, /var/tmp, /run and /dev/shm (discarded at
exit; the workspace and writable roots stay visible even when they are under /tmp), and
``LHA_HOME`` is hidden behind an empty folder (other sessions' rollouts, auth.json, config),
except a workspace or writable root inside it. No host Unix socket outside the workspace and
writable roots can be reached: those in the private folders are gone, the other listening ones
are covered (``host_sockets``), and without the network the command is in its own network
namespace, which holds the abstract ones. With ``network_access`` it shares the host's network
namespace, so a seccomp filter (``seccomp_filter``) refuses to create Unix sockets at all there.
The command also gets its own pid namespace and session (no terminal injection), and dies with
lha. When bwrap is missing or cannot run (no user namespaces), a sandboxed command is refused with
the reason and the fix; it never silently runs unsandboxed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.protocol.session import SandboxMode
from core.tools.created_protected import CreationWatch
from core.tools.host_sockets import MAX_SOCKETS, listening_socket_paths
from core.tools.placeholder_record import PlaceholderLedger
from core.tools.protected_paths import ProtectedScan, scan_protected, top_protected
from core.tools.seccomp_filter import no_unix_sockets_filter

BWRAP = "bwrap"
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`)"
NO_SANDBOX_HINT = (
    'or set sandbox_mode = "danger-full-access" in config.toml to run commands unsandboxed'
)
PRIVATE_FOLDERS = (Path("/tmp"), Path("/var/tmp"), Path("/run"))
"""Replaced by empty ones in the sandbox (/dev/shm is private through ``--dev``)."""
_FILES_NEEDED_FROM_PRIVATE = (Path("/etc/resolv.conf"),)
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


@dataclass(frozen=True)
class SandboxSpec:
    """Where a command runs and what it may touch (see the module docstring)."""

    mode: SandboxMode
    workspace: Path
    cwd: Path
    writable_roots: Sequence[Path] = ()
    """``workspace-write`` only; a root that is not an existing folder is skipped."""
    network_access: bool = False
    """``workspace-write`` only."""
    lha_home: Path | None = None
    hidden_files: Sequence[Path] = ()

    @property
    def writes(self) -> bool:
        return self.mode == "workspace-write"

    @property
    def network(self) -> bool:
        return self.writes and self.network_access

    def roots(self) -> list[Path]:
        """The workspace, then (``workspace-write``) the writable roots: real paths, folders."""
        extra = self.writable_roots if self.writes else ()
        found: dict[Path, None] = {}
        for root in (self.workspace, *extra):
            real = Path(os.path.realpath(root))
            if real.is_dir():
                found[real] = None
        return list(found)


@dataclass(frozen=True)
class SandboxLaunch:
    command: list[str]
    pass_fds: tuple[int, ...]
    watch: CreationWatch | None
    """``workspace-write``: the roots as they were, to find the protected folders created."""


_placeholder_users: dict[Path, int] = {}
"""Empty protected folders lha created for running commands, and how many use each now."""
_ledger = PlaceholderLedger()


@contextlib.contextmanager
def sandbox_launch(argv: Sequence[str], spec: SandboxSpec) -> Iterator[SandboxLaunch]:
    """The bwrap command line for ``argv`` and the descriptors it needs, valid inside the block;
    afterwards the empty protected folders made for it are removed from the host."""
    placeholders = _make_placeholders(spec) if spec.writes else []
    seccomp_fd = _seccomp_fd() if spec.network else None
    try:
        watch = CreationWatch.start(spec.roots()) if spec.writes else None
        scans = watch.scans if watch is not None else None
        command = bwrap_command(argv, spec, seccomp_fd=seccomp_fd, scans=scans)
        fds = () if seccomp_fd is None else (seccomp_fd,)
        yield SandboxLaunch(command, fds, watch)
    finally:
        if seccomp_fd is not None:
            os.close(seccomp_fd)
        _release_placeholders(placeholders)


def bwrap_command(
    argv: Sequence[str],
    spec: SandboxSpec,
    *,
    seccomp_fd: int | None = None,
    scans: Sequence[ProtectedScan] | None = None,
) -> list[str]:
    """The ``bwrap ... -- argv`` command line for ``spec`` (not for danger-full-access);
    ``scans`` are the roots' protected folders when already walked."""
    roots = spec.roots()
    args = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += _private_folder_args()
    bind = "--bind" if spec.writes else "--ro-bind"
    for root in sorted(roots, key=lambda r: len(r.parts)):
        args += [bind, str(root), str(root)]
    home = Path(os.path.realpath(spec.lha_home)) if spec.lha_home is not None else None
    if home is not None and home.is_dir():
        args += ["--tmpfs", str(home)]
        for root in roots:
            if root == home or home in root.parents:
                args += [bind, str(root), str(root)]
    if spec.writes:
        walked = scans if scans is not None else [scan_protected(root) for root in roots]
        args += _protected_args(walked, roots, home)
    args += _socket_mask_args(roots, home)
    for hidden in spec.hidden_files:
        if hidden.is_file():
            args += ["--ro-bind", "/dev/null", str(hidden)]
    args += _namespace_flags(network=spec.network)
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
    cwd = os.path.realpath(spec.cwd)
    args += ["--setenv", "LHA_SANDBOX", spec.mode, "--chdir", cwd, "--", *argv]
    return args


def _private_folder_args() -> list[str]:
    args: list[str] = []
    for folder in PRIVATE_FOLDERS:
        if folder.is_dir() and not folder.is_symlink():
            args += ["--tmpfs", str(folder)]
    for needed in _FILES_NEEDED_FROM_PRIVATE:
        real = Path(os.path.realpath(needed))
        if real != needed and _under_any(real, PRIVATE_FOLDERS) and real.is_file():
            args += ["--ro-bind", str(real), str(real)]
    return args


def _protected_args(
    scans: Sequence[ProtectedScan], roots: Sequence[Path], home: Path | None
) -> list[str]:
    """Each protected folder in a root, read-only (the missing top ones exist by now, empty)."""
    args: list[str] = []
    for scan in scans:
        for path in (*top_protected(scan.root), *scan.found):
            real = Path(os.path.realpath(path))
            if home is not None and _under_any(real, [home]):
                continue
            if real.exists() and _under_any(real, roots):
                args += ["--ro-bind", str(real), str(real)]
    return args


def _socket_mask_args(roots: Sequence[Path], home: Path | None) -> list[str]:
    """``/dev/null`` over each host socket the command would see outside its roots."""
    gone = [*PRIVATE_FOLDERS, Path("/dev"), *([home] if home is not None else [])]
    visible = [
        path
        for path in listening_socket_paths()
        if not _under_any(path, gone) and not _under_any(path, roots)
    ]
    args: list[str] = []
    for path in visible[:MAX_SOCKETS]:
        args += ["--ro-bind", "/dev/null", str(path)]
    return args


def _under_any(path: Path, folders: Sequence[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def _seccomp_fd() -> int | None:
    program = no_unix_sockets_filter()
    if program is None:
        return None
    fd = os.memfd_create("lha-seccomp", os.MFD_CLOEXEC)
    os.write(fd, program)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _make_placeholders(spec: SandboxSpec) -> list[Path]:
    """Create each missing top protected folder (empty) so that it can be mounted read-only;
    a dangling symlink in its place gets the folder at its target, if that is in a root."""
    if spec.lha_home is not None:
        _ledger.sweep_once(spec.lha_home)
    made: list[Path] = []
    missing: list[Path] = []
    roots = spec.roots()
    for root in roots:
        for path in top_protected(root):
            target = Path(os.path.realpath(path))
            if target in _placeholder_users:
                _placeholder_users[target] += 1
                made.append(target)
            elif target not in missing and _missing_in(target, roots):
                missing.append(target)
    if spec.lha_home is not None and missing:
        _ledger.add(missing, spec.lha_home)
    for target in missing:
        try:
            target.mkdir()
        except OSError:
            _ledger.discard([target])
            continue
        _placeholder_users[target] = 1
        made.append(target)
    return made


def _missing_in(target: Path, roots: Sequence[Path]) -> bool:
    return not os.path.lexists(target) and _under_any(target, roots)


def _release_placeholders(paths: Sequence[Path]) -> None:
    released: list[Path] = []
    for path in paths:
        _placeholder_users[path] -= 1
        if _placeholder_users[path] > 0:
            continue
        del _placeholder_users[path]
        with contextlib.suppress(OSError):
            path.rmdir()
        released.append(path)
    _ledger.discard(released)
