"""Codex CLI sessions: the session list with 10,000 of them beside 10,000 of lha's, and
``lha exec resume`` of a 1,000-turn Codex rollout (against the Codex CLI's own ``exec resume``
of the same file, when ``codex`` is installed: ``$LHA_BENCH_CODEX`` or on PATH).

The Codex sessions are made from the real Codex CLI 0.169 rollout kept as a test fixture: its
lines, with new ids, texts and times.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from core.protocol.ids import ThreadId
from core.rollout.listing import list_threads_sync
from tests.bench import BenchResult, median
from tests.bench.bench_exec import _lha_command
from tests.bench.bench_rollout import _write_many_sessions
from tests.support.scripted_server import Reply, serve_in_thread

FIXTURE = Path(__file__).parents[1] / "fixtures" / "codex" / "two_turns_exec_command.jsonl"
SESSIONS = 10_000
TURNS = 1_000
ROUNDS = 15
"""Paired rounds (lha, then the Codex CLI) after one warm-up round of both: a launch varies by
tens of ms on a shared machine, so the median needs many."""


def _fixture_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text().splitlines()]


def _codex_rollout(thread_id: str, turns: int) -> str:
    """A Codex CLI rollout of ``turns`` user turns, built from the fixture's own lines."""
    lines = _fixture_lines()
    old_id = lines[0]["payload"]["id"]
    user = lines[7]
    answer = next(
        line
        for line in lines[22:]
        if line["type"] == "response_item" and line["payload"].get("role") == "assistant"
    )
    count = next(line for line in lines if line["payload"].get("type") == "token_count")
    out = list(lines[:7])
    for n in range(turns):
        asked = json.loads(json.dumps(user))
        asked["payload"]["content"][0]["text"] = f"question {n}: " + "word " * 20
        said = json.loads(json.dumps(answer))
        said["payload"]["content"][0]["text"] = f"answer {n}: " + "text " * 40
        out += [asked, said, count]
    text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in out)
    return text.replace(old_id, thread_id)


def _write_codex_sessions(root: Path, count: int) -> None:
    head = _codex_rollout(str(ThreadId.new()), 1)
    old_id = json.loads(head.split("\n", 1)[0])["payload"]["id"]
    base = datetime(2026, 1, 1, 8, 7, 0)
    for n in range(count):
        created = base + timedelta(minutes=53 * n)
        thread_id = str(ThreadId.new())
        folder = root / created.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"rollout-{created.strftime('%Y-%m-%dT%H-%M-%S')}-{thread_id}.jsonl"
        (folder / name).write_text(head.replace(old_id, thread_id))


def _bench_list(folder: Path) -> list[BenchResult]:
    home, codex_root = folder / "home", folder / "codex" / "sessions"
    _write_many_sessions(home, SESSIONS)
    _write_codex_sessions(codex_root, SESSIONS)
    times = []
    for _ in range(7):
        start = time.perf_counter()
        page = list_threads_sync(home, 50, extra_roots=[codex_root])
        times.append(time.perf_counter() - start)
    origins = {item.origin for item in page.items}
    assert len(page.items) == 50 and origins == {"lha", "codex"}, origins
    return [
        BenchResult(
            "list: first page of 50, 10,000 Codex beside 10,000 lha",
            median(times) * 1000,
            "ms",
            goal=50,
            detail="median of 7",
        )
    ]


def _codex_binary() -> str | None:
    return os.environ.get("LHA_BENCH_CODEX") or shutil.which("codex")


def _timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {result.stderr[-500:]}")
    return elapsed


def _bench_resume(folder: Path) -> list[BenchResult]:
    thread_id = str(ThreadId.new())
    codex_home = folder / "codex-home"
    day = codex_home / "sessions" / "2026" / "12" / "04"
    day.mkdir(parents=True)
    rollout = day / f"rollout-2026-12-04T10-00-00-{thread_id}.jsonl"
    original = _codex_rollout(thread_id, TURNS)
    rollout.write_text(original)
    codex = _codex_binary()
    lha_times: list[float] = []
    codex_times: list[float] = []
    with serve_in_thread() as server:
        server.default_reply = Reply.text("ok")
        lha_home = folder / "lha-home"
        lha_home.mkdir()
        (lha_home / "config.toml").write_text(
            'model = "test-model"\nmodel_provider = "scripted"\n[model_providers.scripted]\n'
            f'name = "Scripted"\nbase_url = "{server.base_url}"\nwire_api = "responses"\n'
        )
        env = {**os.environ, "LHA_HOME": str(lha_home), "CODEX_HOME": str(codex_home)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        lha = [*_lha_command(), "exec", "resume", str(rollout), "one more"]  # what a user runs
        codex_argv = [
            codex or "codex", "exec", "--skip-git-repo-check",
            "-c", 'model_provider="scripted"', "-c", 'model="test-model"',
            "-c", f'model_providers.scripted={{name="S", base_url="{server.base_url}", '
            'wire_api="responses", env_key="LHA_BENCH_KEY"}',
            "resume", thread_id, "one more",
        ]  # fmt: skip
        work = folder / "work"  # an empty folder: lha's file snapshots of it cost nothing
        work.mkdir()
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")  # warmed below, checkout left clean
        codex_env = {**env, "LHA_BENCH_KEY": "x"}
        for attempt in range(ROUNDS + 1):  # alternating; the first round of each warms caches
            lha_time = _timed(lha, env, work)
            if codex is not None:
                rollout.write_text(original)
                codex_time = _timed(codex_argv, codex_env, work)
            if attempt:
                lha_times.append(lha_time)
                if codex is not None:
                    codex_times.append(codex_time)
    results = [
        BenchResult(
            f"exec resume of a {TURNS:,}-turn Codex rollout",
            median(lha_times) * 1000,
            "ms",
            detail=f"median of {ROUNDS}, whole process",
        )
    ]
    if codex_times:
        ratios = [mine / theirs for mine, theirs in zip(lha_times, codex_times, strict=True)]
        results.append(
            BenchResult(
                "  the same, over the Codex CLI's own exec resume",
                median(ratios),
                "x",
                goal=0.80,
                detail=f"codex {median(codex_times) * 1000:.0f} ms; median of {ROUNDS} paired "
                f"rounds (ratio of medians {median(lha_times) / median(codex_times):.3f})",
            )
        )
    return results


async def run() -> list[BenchResult]:
    results: list[BenchResult] = []
    for bench in (_bench_list, _bench_resume):
        with tempfile.TemporaryDirectory(prefix="lha-bench-codex-") as raw:
            results += bench(Path(raw))
    return results
