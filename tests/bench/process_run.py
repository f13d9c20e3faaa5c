"""One command run as a user runs it, measured from outside: wall time, CPU and peak RSS."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessRun:
    """What one finished process cost and printed."""

    wall_s: float
    cpu_s: float
    """User + system time of the process and the children it waited for."""
    peak_rss_mb: float
    """``ru_maxrss`` from ``wait4``: the largest of the process and its waited-for children."""
    stdout: str


def run_measured(argv: list[str], env: dict[str, str], cwd: Path) -> ProcessRun:
    """Run ``argv`` to its end with no stdin; raises with its stderr when it fails."""
    # Output goes to files, not pipes: nothing has to read while the process runs, so waiting
    # with wait4 (which reaps it and returns its rusage) can never deadlock on a full pipe.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        name = Path(argv[0]).name
        tail = stderr.strip().splitlines()[-3:]
        raise RuntimeError(f"{name} {' '.join(argv[1:3])} exited {proc.returncode}: {tail}")
    cpu = usage.ru_utime + usage.ru_stime
    return ProcessRun(wall, cpu, usage.ru_maxrss / 1024, stdout)  # ru_maxrss is in KiB on Linux
