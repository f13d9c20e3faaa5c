"""Search figures at 10,000 sessions / ~1 GB: first build, warm ``lha search`` against ripgrep,
the update after a turn, and the index's size.

The library is generated (``search_corpus``) in a temporary folder. ``lha search WORD --all`` and
``rg -l WORD sessions/`` run as subprocesses, alternately, from launch until their output is fully
read. ripgrep is not a dependency of lha: without it that comparison is skipped
(``apt-get install ripgrep``). lha runs with its bytecode cached, as an installed lha does
(``PYTHONDONTWRITEBYTECODE`` is dropped for it: the warm-up run writes the cache).

The machine may be shared: each figure also gives the load average, and the build its CPU time:
the writer's (this process) and the extractor's (the second process, see ``core.index.bulk``),
so a slow figure says whether the build was short of CPU or waiting.

The build runs in a thread, as in lha's search screen, while this one sleeps 5 ms at a time and
records how late it wakes: the longest pause is what a keystroke could wait while a first
build runs (the UI's event loop shares the interpreter with the build's thread). On a loaded
machine the longest pause is mostly the OS running other processes: with the garbage collector
off it was as long (18 to 64 ms at load 2.3), while the 99th percentile stayed at 7 ms.

``LHA_BENCH_SEARCH_BYTES`` sizes the library (1 GB by default; take the reported figure at that
size), and ``LHA_BENCH_SEARCH_ONLY=build`` stops after the build and the index's size.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from core.index.database import index_path
from core.index.library import SessionIndex
from core.index.updater import RefreshReport
from tests.bench import BenchResult, median
from tests.bench.bench_exec import _lha_command
from tests.bench.search_corpus import vocabulary, write_library
from tests.unit.index.helpers import append_turn

SESSIONS = 10_000
TARGET_BYTES = int(os.environ.get("LHA_BENCH_SEARCH_BYTES", 1_000_000_000))
BUILD_ONLY = os.environ.get("LHA_BENCH_SEARCH_ONLY") == "build"
MB = 1_000_000
WORD_RANK = 12_000
"""A word of middling frequency: found in some hundreds of the 10,000 sessions."""
ROUNDS = 9
TICK_S = 0.005


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


def _children_cpu() -> float:
    """CPU seconds of this process's ended children (the extractor, once the build is done)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _build_in_a_thread(index: SessionIndex) -> tuple[RefreshReport, list[float]]:
    """The first build in a thread of its own; how late each 5 ms sleep of this one woke."""
    reports: list[RefreshReport] = []
    builder = threading.Thread(target=lambda: reports.append(index.refresh()), name="build")
    builder.start()
    lateness: list[float] = []
    while builder.is_alive():
        start = time.perf_counter()
        time.sleep(TICK_S)
        lateness.append(time.perf_counter() - start - TICK_S)
    builder.join()
    if not reports:
        raise RuntimeError("the index build failed (see the thread's traceback above)")
    return reports[0], lateness


def _search_vs_ripgrep(home: Path, word: str) -> list[BenchResult]:
    env = {**os.environ, "LHA_HOME": str(home), "PYTHONPATH": os.getcwd()}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    lha = [*_lha_command(), "search", word, "--all"]  # the console script a user runs
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
        start, cpu, extractor = time.perf_counter(), time.process_time(), _children_cpu()
        report, lateness = _build_in_a_thread(index)
        built, cpu = time.perf_counter() - start, time.process_time() - cpu
        extractor = _children_cpu() - extractor
        index.close()
        word = vocabulary(random.Random(11))[WORD_RANK]
        results = [
            BenchResult(
                "first full index build",
                size / MB / built,
                "MB/s",
                goal=40,
                higher_is_better=True,
                detail=f"{report.files} sessions, {size / MB:.0f} MB in {built:.1f} s; CPU: writer "
                f"{cpu:.1f} s, extractor {extractor:.1f} s (generated in {generated:.0f} s); "
                f"{load} before, {_load()} after",
            ),
            BenchResult(
                "longest pause of another thread during the build",
                max(lateness) * 1000,
                "ms",
                detail=f"a 5 ms sleep woke late by {median(lateness) * 1000:.1f} ms (median), "
                f"{sorted(lateness)[int(len(lateness) * 0.99)] * 1000:.1f} ms (99th percentile); "
                f"{_load()}",
            ),
            BenchResult(
                "index size / rollouts size",
                100 * _index_bytes(home) / size,
                "%",
                goal=35,
                detail=f"{_index_bytes(home) / MB:.0f} MB",
            ),
        ]
        if BUILD_ONLY:
            return results
        results += _search_vs_ripgrep(home, word)
        results.append(_update_after_turn(home))
        return results
