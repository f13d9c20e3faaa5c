"""Start a child Python process that cannot outlive lha, and stop it for sure.

The child runs under ``guard.py`` (lifeline pipe + PR_SET_PDEATHSIG, see there) in a process
group of its own, so that stopping it can signal the whole group and a terminal's Ctrl-C for lha
does not reach it. Stopping closes the lifeline (the guard exits at once), then sends SIGTERM and,
after a grace period, SIGKILL to the group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from core.fs import open_private_append

GUARD_SCRIPT = Path(__file__).with_name("guard.py")
STOP_GRACE_S = 3.0


@dataclass
class GuardedProcess:
    """A running child: its ``Popen``, the write end of its lifeline, and its log file."""

    popen: subprocess.Popen[bytes]
    lifeline: int | None
    log_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, max_lines: int = 1) -> str:
        """The last non-empty lines of the child's output, joined with " | " (for errors)."""
        try:
            with self.log_path.open("rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 8192))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return " | ".join(lines[-max_lines:])


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the caller retries if it is taken meanwhile)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def spawn_guarded(
    target: str, args: list[str], log_path: Path, env: dict[str, str] | None = None
) -> GuardedProcess:
    """Run ``python -m target args`` (or a ``.py`` path) under the guard; output to ``log_path``.

    ``-P`` keeps the guard's own folder off ``sys.path``, so modules next to it cannot shadow
    the server's imports.
    """
    read_end, write_end = os.pipe()  # both non-inheritable: other children never hold them
    fd = open_private_append(log_path)
    try:
        popen = subprocess.Popen(
            [sys.executable, "-P", str(GUARD_SCRIPT), str(os.getpid()), target, *args],
            stdin=read_end,
            stdout=fd,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    except OSError:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
        os.close(fd)
    return GuardedProcess(popen=popen, lifeline=write_end, log_path=log_path)


def stop_guarded(proc: GuardedProcess, grace_s: float = STOP_GRACE_S) -> int | None:
    """Stop the child and its group; returns its exit code (None if it could not be reaped)."""
    if proc.lifeline is not None:
        with contextlib.suppress(OSError):
            os.close(proc.lifeline)
        proc.lifeline = None
    if proc.popen.poll() is None:
        _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while proc.popen.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    if proc.popen.poll() is None:
        _signal_group(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.popen.wait(timeout=grace_s)
    # Anything else left in the group (a server that forked workers) goes too.
    _signal_group(proc.pid, signal.SIGKILL)
    return proc.popen.poll()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
