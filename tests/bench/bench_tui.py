"""TUI figures: first screen with 1,000 past sessions, resume of a 1,000-turn thread, and a
2,000-delta answer from Enter to fully on screen (issue 5's goals, beside their anchors)."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual.pilot import Pilot

from core.config import Config
from tests.bench import BenchResult, median
from tests.bench.local_stream import StreamTiming
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tui.app import LhaApp

REPEAT = 5
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PYCACHE = Path(tempfile.gettempdir()) / "lha-bench-pycache"


def _write_config(home: Path, base_url: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        'model = "gpt-5.1"\nmodel_provider = "scripted"\n'
        f'[model_providers.scripted]\nname = "Scripted"\nbase_url = "{base_url}"\n'
    )


def _probe(home: Path, cwd: Path, *args: str) -> tuple[float, float]:
    """(seconds from launch to the probe's milestone, peak RSS MB then) of one probe process."""
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
    out_bytes, err_bytes = proc.communicate()
    out, err = out_bytes.decode(), err_bytes.decode()
    if proc.returncode != 0:
        raise RuntimeError(f"probe {args} failed: {err.strip()[-400:]}")
    stamps = [line.split() for line in out.splitlines() if line.startswith("milestone ")]
    if not stamps:
        raise RuntimeError(f"probe {args} reached no milestone: {out[-400:]}")
    _, when, peak_mb = stamps[-1]
    return float(when) - launched, float(peak_mb)


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


async def _stream_once(folder: Path, base_url: str, full: str) -> float:
    from core.llm.providers.endpoint import RuntimeEndpoint
    from tests.support.tui_harness import current_id, fixed_clock, thread_on_screen, wait_until
    from tui.widgets.composer import Composer

    endpoint = RuntimeEndpoint(name="Stream", base_url=base_url, wire_api="chat")
    config = Config.for_testing(
        folder / "home-stream", cwd=folder, provider=endpoint, model="gpt-5.1"
    )
    app = LhaApp(config, clock=fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"write", "enter")  # a first turn warms everything up
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)

        def answered(count: int) -> bool:
            answers = [e for e in view.transcript.entries if e.kind == "assistant"]
            return (
                len(answers) == count
                and not view.running
                and answers[-1].text.strip() == full.strip()
            )

        await wait_until(pilot, lambda: answered(1), within_s=30)
        gc.freeze()  # as lha does once its first screen is up (tui.startup_gc)
        app.query_one(Composer).set_text("again")
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        await wait_until(pilot, lambda: answered(2), within_s=30, step_s=0.002)
        await pilot.pause()
        elapsed = time.perf_counter() - started
    gc.unfreeze()
    return elapsed


async def _bench_stream(folder: Path) -> list[BenchResult]:
    """The model server runs in its own process, as a real one does, so its work does not
    count against the UI's event loop."""
    from tests.bench.stream_server import answer_deltas

    port = _free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.stream_server",
        str(port),
        "2000",
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
    )
    try:
        assert server.stdout is not None
        await asyncio.wait_for(server.stdout.readline(), 30)
        full = "".join(answer_deltas(2000))
        base_url = f"http://127.0.0.1:{port}/v1"
        times = [await _stream_once(folder / f"s{i}", base_url, full) for i in range(REPEAT)]
    finally:
        server.kill()
        await server.wait()
    return [
        BenchResult(
            "2,000-delta answer, Enter to fully on screen",
            median(times),
            "s",
            goal=0.3,
            detail="server in its own process; anchors: Codex TUI 3.4-3.6 s, elia 12-15 s",
        )
    ]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


LOCAL_PROMPTS = [
    "Name three primary colors.",
    "Write a haiku about a cat.",
    "List two fruits.",
    "Say hello in French.",
]


async def _one_local_answer(app: LhaApp, pilot: Pilot[None], prompt: str) -> StreamTiming:
    """Type ``prompt``, press Enter, and time the answer as it appears in the transcript."""
    from tests.support.tui_harness import engine, wait_until
    from tui.widgets.composer import Composer

    def answers() -> list[str]:
        view = engine(app).current_thread()
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
    view = engine(app).current_thread()
    assert view is not None
    await wait_until(pilot, lambda: not view.running, within_s=120, step_s=0.002)
    total = time.perf_counter() - started
    tokens = view.tokens.last_token_usage.output_tokens if view.tokens else 0
    return StreamTiming(first, tokens, total)


async def _bench_local_model(folder: Path) -> list[BenchResult]:
    """The embedded model as seen in the TUI: Enter to the first characters of the answer on
    screen, and decode speed of what appears (issue 7's figure)."""
    from core.config import Config
    from core.llm.local import MODEL_ALIAS
    from core.llm.local.client import warm_up
    from core.llm.providers.built_in import LOCAL_PROVIDER_ID, local_endpoint
    from tests.bench.local_stream import local_model_missing, timing_results
    from tests.support.tui_harness import engine, fixed_clock, wait_until

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
        # As a user types the first message: lha's own warm-up (server, prompt prefix) is done.
        await wait_until(pilot, lambda: any(w.group == "warm-up" for w in app.workers))
        await wait_until(
            pilot,
            lambda: not any(w.group == "warm-up" and w.is_running for w in app.workers),
            within_s=60,
        )
        for prompt in LOCAL_PROMPTS:
            timings.append(await _one_local_answer(app, pilot, prompt))
        await engine(app).close()
    first_turn = BenchResult(
        "embedded model in the TUI: the thread's first turn, Enter to characters on screen",
        timings[0].first_token_s,
        "s",
        detail="the whole prompt (instructions, tools, environment) is processed once",
    )
    return [
        first_turn,
        *timing_results(
            "embedded model in the TUI, later turns (Enter to characters on screen)",
            timings[1:],
            first_token_goal_s=None,
            tokens_per_s_goal=None,
            detail="the server warmed up after the first frame, as lha does",
        ),
    ]


async def run() -> list[BenchResult]:
    results: list[BenchResult] = []
    with tempfile.TemporaryDirectory(prefix="lha-bench-tui-") as tmp:
        folder = Path(tmp)
        async with ScriptedServer() as server:
            results += await _bench_first_frame(folder, server)
            results += await _bench_resume(folder, server)
        results += await _bench_stream(folder)
        results += await _bench_local_model(folder)
    return results
