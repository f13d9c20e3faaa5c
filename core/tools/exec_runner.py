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
) -> ExecResult:
    """Run ``argv``; ``on_output`` gets decoded text as it arrives. Raises OSError if it can't
    start (missing program, bad cwd). Cancelling the caller kills the process group."""
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
    )
    assert proc.stdout is not None
    pump = asyncio.create_task(_pump(proc.stdout, kept, on_output))
    timed_out = False
    try:
        try:
            await asyncio.wait_for(proc.wait(), timeout_s)
        except TimeoutError:
            timed_out = True
            _kill_group(proc)
            await proc.wait()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(pump), DRAIN_GRACE_S)
    except asyncio.CancelledError:
        _kill_group(proc)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(proc.wait(), DRAIN_GRACE_S)
        raise
    finally:
        if not pump.done():
            _kill_group(proc)
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
    return ExecResult(
        exit_code=None if timed_out else proc.returncode,
        output=kept.text(),
        duration_s=time.monotonic() - started,
        timed_out=timed_out,
        total_bytes=kept.total,
    )


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
