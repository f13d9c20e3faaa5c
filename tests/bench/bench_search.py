"""Search figures at 10,000 sessions / ~1 GB: first build, warm ``lha search`` against ripgrep,
the update after a turn, and the index's size.

The library is generated (``search_corpus``) in a temporary folder. ``lha search WORD --all`` and
``rg -l WORD sessions/`` run as subprocesses, alternately, from launch until their output is fully
read. ripgrep is not a dependency of lha: without it that comparison is skipped
(``apt-get install ripgrep``). lha runs with its bytecode cached, as an installed lha does
(``PYTHONDONTWRITEBYTECODE`` is dropped for it: the warm-up run writes the cache).

The machine may be shared: each figure also gives the load average, and the build its CPU time
(writer process only; extraction runs in a second process, see ``core.index.bulk``).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.index.database import index_path
from core.index.library import SessionIndex
from tests.bench import BenchResult, median
from tests.bench.search_corpus import vocabulary, write_library
from tests.unit.index.helpers import append_turn

SESSIONS = 10_000
TARGET_BYTES = 1_000_000_000
MB = 1_000_000
WORD_RANK = 12_000
"""A word of middling frequency: found in some hundreds of the 10,000 sessions."""
ROUNDS = 9


def _index_bytes(home: Path) -> int:
    base = index_path(home)
    return sum(
        os.path.getsize(f"{base}{suffix}")
        for suffix in ("", "-wal")
        if os.path.exists(f"{base}{suffix}")
    )


def _timed_run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, env=env, cwd=cwd, check=False)
    return time.perf_counter() - start, result.stdout


def _load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def _search_vs_ripgrep(home: Path, word: str) -> list[BenchResult]:
    env = {**os.environ, "LHA_HOME": str(home), "PYTHONPATH": os.getcwd()}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    lha = [str(console_script(home.parent)), "search", word, "--all"]
    rg = shutil.which("rg")
    _timed_run(lha, env, home)  # warm: the index is current, the files are in the page cache
    lha_times: list[float] = []
    rg_times: list[float] = []
    hits = files = 0
    load = _load()
    for _ in range(ROUNDS):
        elapsed, out = _timed_run(lha, env, home)
        lha_times.append(elapsed)
        hits = len(out.splitlines())
        if rg is not None:
            elapsed, out = _timed_run([rg, "-l", word, "sessions/"], env, home)
            rg_times.append(elapsed)
            files = len(out.splitlines())
    results = [
        BenchResult(
            "lha search WORD --all, warm",
            median(lha_times) * 1000,
            "ms",
            detail=f"{hits} hits shown (-n 20), median of {ROUNDS} "
            f"(min {min(lha_times) * 1000:.0f}, max {max(lha_times) * 1000:.0f}); {load}",
        )
    ]
    if rg_times:
        results.append(
            BenchResult(
                "lha search / rg -l WORD sessions/",
                median(lha_times) / median(rg_times),
                "x",
                goal=0.25,
                detail=f"rg {median(rg_times) * 1000:.0f} ms (min {min(rg_times) * 1000:.0f}, "
                f"max {max(rg_times) * 1000:.0f}), {files} files contain {word!r}; "
                f"ratio of the fastest runs {min(lha_times) / min(rg_times):.2f}",
            )
        )
    return results


def _update_after_turn(home: Path) -> BenchResult:
    """What the live indexer does after a turn: open the index, index the turn, close."""
    paths = sorted((home / "sessions").rglob("rollout-*.jsonl"))
    rng = random.Random(5)
    times: list[float] = []
    for n in range(20):
        path = rng.choice(paths)
        append_turn(path, f"question {n} about the rollout", "answer " * 200, "output\n" * 300)
        start = time.perf_counter()
        index = SessionIndex(home)
        assert index.open_file_only()
        assert index.update_rollout(path) > 0
        index.close()
        times.append(time.perf_counter() - start)
    return BenchResult(
        "index update after a turn",
        median(times) * 1000,
        "ms",
        goal=20,
        detail=f"open+update+close, median of 20 (max {max(times) * 1000:.1f} ms), "
        f"{len(paths)} sessions indexed",
    )


async def run() -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="lha-bench-search-") as folder:
        home = Path(folder) / "home"
        start = time.perf_counter()
        size = write_library(home, SESSIONS, TARGET_BYTES)
        generated = time.perf_counter() - start
        index = SessionIndex(home)
        load = _load()
        start, cpu = time.perf_counter(), time.process_time()
        report = index.refresh()
        built, cpu = time.perf_counter() - start, time.process_time() - cpu
        index.close()
        word = vocabulary(random.Random(11))[WORD_RANK]
        results = [
            BenchResult(
                "first full index build",
                size / MB / built,
                "MB/s",
                goal=40,
                higher_is_better=True,
                detail=f"{report.files} sessions, {size / MB:.0f} MB in {built:.1f} s; writer "
                f"CPU {cpu:.1f} s = {size / MB / cpu:.0f} MB/s (generated in {generated:.0f} s); "
                f"{load}",
            ),
            BenchResult(
                "index size / rollouts size",
                100 * _index_bytes(home) / size,
                "%",
                goal=35,
                detail=f"{_index_bytes(home) / MB:.0f} MB",
            ),
        ]
        results += _search_vs_ripgrep(home, word)
        results.append(_update_after_turn(home))
        return results


CONSOLE_SCRIPT = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from tui.cli import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""
"""What pip writes for ``lha = "tui.cli:main"``, for an environment where lha is not installed."""


def console_script(folder: Path) -> Path:
    """An ``lha`` launcher, as a user runs lha (not ``python -m tui.cli``): the environment's
    own console script (its interpreter, its imports) copied into ``folder``, so that with
    ``PYTHONPATH`` set it runs this checkout's code, as the editable install runs its own."""
    installed = Path(sys.executable).parent / "lha"
    text = (
        installed.read_text()
        if installed.is_file()
        else CONSOLE_SCRIPT.format(python=sys.executable)
    )
    launcher = folder / "lha"
    launcher.write_text(text)
    launcher.chmod(0o755)
    return launcher
