"""Running one process for the ``shell`` tool: streamed output, a timeout, no leftovers.

The process gets its own process group so a timeout or an interrupt kills everything it started
(``make`` and its compilers, a pipeline), and stdin is /dev/null so nothing waits for a terminal.
stderr is merged into stdout: the model and the user see messages in the order they happened.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.tools.output_buffer import HeadTailBuffer

READ_CHUNK = 64 * 1024
DRAIN_GRACE_S = 1.0
"""After the process exits, how long to wait for a child it left holding the output pipe."""
POLL_S = 0.05


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None
    """None when the command was killed for running too long."""
    output: str
    duration_s: float
    timed_out: bool
    total_bytes: int


async def run_process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float,
    on_output: Callable[[str], None],
    buffer: HeadTailBuffer | None = None,
    pass_fds: Sequence[int] = (),
) -> ExecResult:
    """Run ``argv``; ``on_output`` gets decoded text as it arrives. Raises OSError if it can't
    start (missing program, bad cwd). Cancelling the caller kills the process group.
    ``pass_fds`` stay open in the process (bwrap's seccomp program)."""
    started = time.monotonic()
    kept = buffer or HeadTailBuffer()
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=str(cwd),
        env=dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        pass_fds=tuple(pass_fds),
    )
    assert proc.stdout is not None
    pump = asyncio.create_task(_pump(proc.stdout, kept, on_output))
    try:
        timed_out = await _wait(proc, pump, started + timeout_s)
    except asyncio.CancelledError:
        _kill_group(proc)
        raise
    finally:
        await _stop_pump(proc, pump)
    return ExecResult(
        exit_code=None if timed_out else proc.returncode,
        output=kept.text(),
        duration_s=time.monotonic() - started,
        timed_out=timed_out,
        total_bytes=kept.total,
    )


async def _wait(
    proc: asyncio.subprocess.Process, pump: asyncio.Task[None], deadline: float
) -> bool:
    """Wait for the command to end; True when it ran out of time (and was killed).

    ``Process.wait()`` also waits for the output pipe to close, which a background child
    (``server &``) can keep open forever; so the exit is watched through ``returncode`` and
    the end of output separately, and a leftover child gets ``DRAIN_GRACE_S`` to let go."""
    while not pump.done() and proc.returncode is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill_group(proc)
            return True
        await asyncio.wait({pump}, timeout=min(POLL_S, remaining))
    if not pump.done():
        await asyncio.wait({pump}, timeout=DRAIN_GRACE_S)
        if not pump.done():
            _kill_group(proc)
        return False
    try:
        await asyncio.wait_for(proc.wait(), max(deadline - time.monotonic(), 0.001))
    except TimeoutError:
        _kill_group(proc)
        return True
    return False


async def _stop_pump(proc: asyncio.subprocess.Process, pump: asyncio.Task[None]) -> None:
    """Let the pump read what is left after a kill, then stop it; reap the process."""
    if not pump.done():
        await asyncio.wait({pump}, timeout=DRAIN_GRACE_S)
    if not pump.done():
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump
    for _ in range(int(DRAIN_GRACE_S / POLL_S)):
        if proc.returncode is not None:
            return
        await asyncio.sleep(POLL_S)


async def _pump(
    stream: asyncio.StreamReader, kept: HeadTailBuffer, on_output: Callable[[str], None]
) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while chunk := await stream.read(READ_CHUNK):
        kept.append(chunk)
        on_output(decoder.decode(chunk))
    on_output(decoder.decode(b"", final=True))


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    """SIGKILL the command's whole process group (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
