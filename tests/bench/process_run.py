"""One command run as a user runs it, measured from outside: wall time, CPU and peak RSS.

The command is started by a small launcher process, not by the bench itself: Linux folds the
peak RSS of the memory a process had *before* ``exec`` into its ``ru_maxrss``, and a child
forked from the bench (which holds the scripted server and the 1,000-turn data) would report
the bench's size instead of its own. The launcher is a bare Python that forks the command,
times it, reaps it with ``wait4`` and writes the figures to a file; its own ~11 MB is the
floor of the RSS figure.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
               "maxrss_kib": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}, out)
"""


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
    # Output goes to files, not pipes: nothing has to read while the command runs.
    with (
        tempfile.TemporaryDirectory(prefix="lha-bench-run-") as folder,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        figures = Path(folder) / "figures.json"
        launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(figures), *argv]
        subprocess.run(launcher, cwd=cwd, env=env, stdout=out, stderr=err, check=False)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
        if not figures.exists():
            raise RuntimeError(f"the bench's launcher failed: {stderr.strip()[-300:]}")
        result = json.loads(figures.read_text())
    if result["code"] != 0:
        name = Path(argv[0]).name
        tail = stderr.strip().splitlines()[-3:]
        raise RuntimeError(f"{name} {' '.join(argv[1:3])} exited {result['code']}: {tail}")
    # ru_maxrss is in KiB on Linux
    return ProcessRun(result["wall"], result["cpu"], result["maxrss_kib"] / 1024, stdout)
