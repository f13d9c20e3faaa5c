"""What naming a session costs when it is resumed by name: ``lha exec resume NAME PROMPT`` against
``lha exec resume ID PROMPT``, with 10,000 past sessions and a names file naming every one.

Figure: name resolution costs at most 20 ms over resuming by id. Both commands run as a user runs
them (subprocesses, against the loopback scripted server), in pairs, after one warm-up pair;
the pairs alternate which goes first (a run can leave the page cache warmer for the next), and
every run starts from the same rollout (a resume appends a turn). The figure is the median of
the pairs' differences, so the machine's load drifting between pairs cancels out. On a busy
machine a launch varies by more than the figure, so the same resolution is also measured
in-process (``resolve_rollout``, no start-up, no turn), with the same goal: the cost alone.

The library is ``search_corpus``'s (small sessions: only their number matters here) in a
temporary folder; the names file gets a name for each session and a later rename of every fifth.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from core.protocol import SessionSource
from core.session_names import names_path, set_name
from tests.bench import BenchResult, median
from tests.bench.bench_exec import MODEL, _lha_command, _lha_env, _write_config
from tests.bench.process_run import ProcessRun, run_measured
from tests.bench.search_corpus import write_library
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tui.commands.targets import resolve_rollout

SESSIONS = 10_000
LIBRARY_BYTES = 40_000_000
ROUNDS = 21
IN_PROCESS_ROUNDS = 51
GOAL_MS = 20.0
NAME = "heron survey of the north marsh"


def _name_every_session(home: Path) -> int:
    """A name for each session (and a rename of every fifth); returns the names file's lines."""
    lines = 0
    for n, rollout in enumerate(sorted((home / "sessions").rglob("rollout-*.jsonl"))):
        thread_id = rollout.name.removesuffix(".jsonl")[-36:]
        set_name(home, thread_id, f"session {n} notes")
        lines += 1
        if n % 5 == 0:
            set_name(home, thread_id, f"session {n} renamed")
            lines += 1
    return lines


class Library:
    def __init__(self, folder: Path, base_url: str) -> None:
        self.home = folder / "home"
        self.work = folder / "work"
        self.work.mkdir(parents=True)
        _write_config(self.home, base_url)
        self.env = _lha_env(self.home, folder / "pycache")
        write_library(self.home, SESSIONS - 1, LIBRARY_BYTES)
        self.target = write_rollout(
            self.home, self.work, 3, model=MODEL, provider="scripted", source=SessionSource.EXEC
        )
        self.thread_id = self.target.name.removesuffix(".jsonl")[-36:]
        self.names = _name_every_session(self.home)
        set_name(self.home, self.thread_id, NAME)
        self.pristine = folder / "pristine.jsonl"
        shutil.copyfile(self.target, self.pristine)

    def resume(self, target: str) -> ProcessRun:
        shutil.copyfile(self.pristine, self.target)
        run = run_measured(
            [*_lha_command(), "exec", "resume", target, "one more"], self.env, self.work
        )
        if "echo: one more" not in run.stdout:
            raise RuntimeError(f"lha exec resume {target!r}: no answer: {run.stdout[-200:]!r}")
        return run


def _pairs(library: Library) -> tuple[list[float], list[float]]:
    """Wall seconds by name and by id, pair by pair (the first pair warms the caches)."""
    by_name: list[float] = []
    by_id: list[float] = []
    for attempt in range(ROUNDS + 1):
        if attempt % 2:
            plain = library.resume(library.thread_id)
            named = library.resume(NAME)
        else:
            named = library.resume(NAME)
            plain = library.resume(library.thread_id)
        if attempt:
            by_name.append(named.wall_s)
            by_id.append(plain.wall_s)
    return by_name, by_id


async def _in_process(library: Library) -> tuple[float, float]:
    """Median seconds of ``resolve_rollout`` by name and by id, alternately."""
    by_name: list[float] = []
    by_id: list[float] = []
    for _ in range(IN_PROCESS_ROUNDS):
        for target, out in ((NAME, by_name), (library.thread_id, by_id)):
            start = time.perf_counter()
            found = await resolve_rollout(library.home, target)
            out.append(time.perf_counter() - start)
            assert found == library.target
    return median(by_name), median(by_id)


async def run() -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="lha-bench-names-") as raw:
        async with ScriptedServer() as server:
            library = await asyncio.to_thread(Library, Path(raw), server.base_url)
            by_name, by_id = await asyncio.to_thread(_pairs, library)
        resolve_name_s, resolve_id_s = await _in_process(library)
        names_kb = names_path(library.home).stat().st_size / 1000
    differences = [named - plain for named, plain in zip(by_name, by_id, strict=True)]
    detail = (
        f"{SESSIONS:,} sessions, names file {library.names + 1:,} lines ({names_kb:.0f} KB); "
        f"median of {ROUNDS} pairs; medians: by name {median(by_name) * 1000:.0f} ms, "
        f"by id {median(by_id) * 1000:.0f} ms"
    )
    return [
        BenchResult(
            "lha exec resume NAME - resume ID",
            median(differences) * 1000,
            "ms",
            goal=GOAL_MS,
            detail=detail,
        ),
        BenchResult(
            "resolve_rollout NAME - ID, in-process",
            (resolve_name_s - resolve_id_s) * 1000,
            "ms",
            goal=GOAL_MS,
            detail=(
                f"by name {resolve_name_s * 1000:.2f} ms, by id {resolve_id_s * 1000:.2f} ms "
                f"(median of {IN_PROCESS_ROUNDS})"
            ),
        ),
    ]
