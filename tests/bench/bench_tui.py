"""TUI figures: first screen with 1,000 past sessions, resume of a 1,000-turn thread, and a
2,000-delta answer from Enter to fully on screen (issue 5's goals, beside their anchors)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual.pilot import Pilot

from tests.bench import BenchResult, median
from tests.bench.local_stream import StreamTiming
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import Reply, ScriptedServer
from tui.app import LhaApp

REPEAT = 5
PYCACHE = Path(tempfile.gettempdir()) / "lha-bench-pycache"


def _write_config(home: Path, base_url: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        'model = "gpt-5.1"\nmodel_provider = "scripted"\n'
        f'[model_providers.scripted]\nname = "Scripted"\nbase_url = "{base_url}"\n'
    )


def _probe(home: Path, cwd: Path, *args: str) -> tuple[float, float]:
    """(seconds from launch to the probe's milestone, peak RSS MB) of one probe process."""
    # As a user's Python does: bytecode cached (a sandbox may set PYTHONDONTWRITEBYTECODE, which
    # would recompile lha's modules on every run), in a private folder so the checkout stays clean.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(LHA_HOME=str(home), PYTHONPYCACHEPREFIX=str(PYCACHE))
    launched = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.tui_probe", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"probe {args} failed: {err.strip()[-400:]}")
    stamps = [line.split()[1] for line in out.splitlines() if line.startswith("milestone ")]
    if not stamps:
        raise RuntimeError(f"probe {args} reached no milestone: {out[-400:]}")
    return float(stamps[-1]) - launched, usage.ru_maxrss / 1024


async def _timed_runs(home: Path, cwd: Path, *args: str) -> tuple[float, float]:
    walls: list[float] = []
    peaks: list[float] = []
    for attempt in range(REPEAT + 1):  # the first run warms .pyc files and the page cache
        wall, peak = await asyncio.to_thread(_probe, home, cwd, *args)
        if attempt:
            walls.append(wall)
            peaks.append(peak)
    return median(walls), max(peaks)


async def _bench_first_frame(folder: Path, server: ScriptedServer) -> list[BenchResult]:
    home = folder / "home-many"
    _write_config(home, server.base_url)
    for index in range(1000):
        write_rollout(home, folder, 2, seed=index)
    wall, peak = await _timed_runs(home, folder, "first-frame")
    bare, _ = await _timed_runs(home, folder, "bare")
    return [
        BenchResult(
            "bare Textual app, first frame (anchor, same machine, same moment)",
            bare,
            "s",
            detail=f"lha's first screen is {wall / bare:.2f}x this",
        ),
        BenchResult(
            "first screen, 1,000 past sessions",
            wall,
            "s",
            goal=0.35,
            detail=f"peak {peak:.0f} MB; anchors: Codex TUI 0.41 s, elia 0.67 s, bare Textual"
            " 0.29 s",
        ),
    ]


async def _bench_resume(folder: Path, server: ScriptedServer) -> list[BenchResult]:
    home = folder / "home-long"
    _write_config(home, server.base_url)
    path = write_rollout(home, folder, 1000)
    wall, peak = await _timed_runs(home, folder, "resumed", str(path))
    return [
        BenchResult(
            "lha resume of a 1,000-turn thread, last message on screen",
            wall,
            "s",
            goal=0.5,
            detail="start-up included; anchor: elia 6.2-6.4 s",
        ),
        BenchResult("lha resume of a 1,000-turn thread, peak memory", peak, "MB", goal=200),
    ]


def _answer_words(count: int) -> list[str]:
    """A 2,000-word answer as a model writes one: paragraphs of 60 words, a word per delta."""
    words = []
    for i in range(count):
        word = f"word{i}"
        if i % 60 == 59:
            word += "\n\n"
        words.append(word)
    return words


async def _stream_once(folder: Path, server: ScriptedServer, words: list[str]) -> float:
    from tests.support.tui_harness import make_app, wait_until
    from tui.widgets.composer import Composer

    app = make_app(folder / "home-stream", server, folder)
    deltas = [w if w.endswith("\n") else w + " " for w in words]
    server.enqueue(Reply.deltas(deltas, usage=(10, 2000)))
    full = "".join(deltas)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"write", "enter")
        await wait_until(pilot, lambda: app.current is not None)
        await wait_until(pilot, lambda: not app.views[app.current].running)  # type: ignore[index]
        server.enqueue(Reply.deltas(deltas, usage=(10, 2000)))
        view = app.views[app.current]  # type: ignore[index]
        app.query_one(Composer).set_text("again")
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")

        def done() -> bool:
            answers = [e for e in view.transcript.entries if e.kind == "assistant"]
            return (
                len(answers) == 2 and not view.running and answers[-1].text.strip() == full.strip()
            )

        await wait_until(pilot, done, within_s=30, step_s=0.002)
        await pilot.pause()
        return time.perf_counter() - started


async def _bench_stream(folder: Path, server: ScriptedServer) -> list[BenchResult]:
    words = _answer_words(2000)
    times = [await _stream_once(folder / f"s{i}", server, words) for i in range(REPEAT)]
    return [
        BenchResult(
            "2,000-delta answer, Enter to fully on screen",
            median(times),
            "s",
            goal=0.3,
            detail="anchors: Codex TUI 3.4-3.6 s, elia 12-15 s",
        )
    ]


LOCAL_PROMPTS = ["Name three primary colors.", "Write a haiku about a cat.", "List two fruits."]


async def _one_local_answer(app: LhaApp, pilot: Pilot[None], prompt: str) -> StreamTiming:
    """Type ``prompt``, press Enter, and time the answer as it appears in the transcript."""
    from tests.support.tui_harness import wait_until
    from tui.widgets.composer import Composer

    def answers() -> list[str]:
        view = app.current_view()
        return [e.text for e in view.transcript.entries if e.kind == "assistant"] if view else []

    app.query_one(Composer).set_text(prompt)
    await pilot.pause()
    before = len(answers())
    started = time.perf_counter()
    await pilot.press("enter")
    await wait_until(
        pilot, lambda: len(answers()) > before and bool(answers()[-1]), within_s=60, step_s=0.002
    )
    first = time.perf_counter() - started
    view = app.current_view()
    assert view is not None
    await wait_until(pilot, lambda: not view.running, within_s=120, step_s=0.002)
    total = time.perf_counter() - started
    tokens = view.tokens.last_token_usage.output_tokens if view.tokens else 0
    return StreamTiming(first, tokens, total)


async def _bench_local_model(folder: Path) -> list[BenchResult]:
    """The embedded model as seen in the TUI: Enter to the first characters of the answer on
    screen, and decode speed of what appears (issue 7's figure)."""
    from core.config import Config
    from core.llm.local import LOCAL_PROVIDER_ID, MODEL_ALIAS, local_endpoint
    from core.llm.local.client import warm_up
    from tests.bench.local_stream import local_model_missing, timing_results
    from tests.support.tui_harness import fixed_clock

    missing = local_model_missing()
    if missing is not None:
        print(f"skipping the TUI local-model figure: {missing}", file=sys.stderr)
        return []
    endpoint = local_endpoint()
    config = Config.for_testing(
        folder / "home-local",
        cwd=folder,
        provider_id=LOCAL_PROVIDER_ID,
        provider=endpoint,
        model=MODEL_ALIAS,
    )
    await warm_up(endpoint)
    timings: list[StreamTiming] = []
    app = LhaApp(config, clock=fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        for prompt in LOCAL_PROMPTS:
            timings.append(await _one_local_answer(app, pilot, prompt))
        await app.controller.close()
    return timing_results(
        "embedded model in the TUI (Enter to characters on screen)",
        timings,
        first_token_goal_s=None,
        tokens_per_s_goal=None,
        detail="the server warmed up after the first frame, as lha does",
    )


async def run() -> list[BenchResult]:
    results: list[BenchResult] = []
    with tempfile.TemporaryDirectory(prefix="lha-bench-tui-") as tmp:
        folder = Path(tmp)
        async with ScriptedServer() as server:
            results += await _bench_first_frame(folder, server)
            results += await _bench_resume(folder, server)
            results += await _bench_stream(folder, server)
        results += await _bench_local_model(folder)
    return results
