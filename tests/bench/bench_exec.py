"""``lha exec`` as a user runs it: resume / fork a 1,000-turn rollout, and 100 threads at once.

Figures:

* ``lha exec resume PATH "one more"`` of a 1,000-turn rollout (about 1.8 MB) plus one turn, and
  ``lha exec fork PATH --at N "..."`` of it, as ratios to the real Codex CLI doing the same in the
  same run against the same loopback scripted server (both on the Responses API), on the same
  conversation in its own rollout format (``tests.bench.codex_session``). After one warm-up, 5
  rounds run each lha command right next to its Codex one; the figure is the median of the
  rounds' wall-time ratios, so the machine's load changing between rounds cancels out. Peak RSS
  is ``wait4``'s ``ru_maxrss``. Every run must reach the server with the whole history and
  the new prompt, or the bench fails. The Codex CLI's ``exec fork`` forks a whole thread (it has
  no ``--at``), so it is compared with ``lha exec fork --at 999`` (all but the last turn) and,
  as the issue's figure, with ``--at 500``. Without the Codex CLI the times are info rows.
* N threads in one process (one ThreadManager, one event loop) each running turns at the same
  time, N = 1, 10, 100: all complete, and the time per turn (wall / turns) stays flat.

Everything lives in a temporary LHA_HOME / CODEX_HOME; the server is
``tests.support.scripted_server``.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from core.llm.endpoint import RuntimeEndpoint
from core.protocol import SessionSource
from tests.bench import BenchResult, median
from tests.bench.codex_cli import CodexCli, codex_version, find_codex
from tests.bench.codex_session import TEMPLATE_PROMPT, write_session
from tests.bench.process_run import ProcessRun, run_measured
from tests.support.replies import Reply
from tests.support.rollout_factory import turn_texts, write_rollout
from tests.support.scripted_server import ScriptedServer, last_user_text

MB = 1_000_000
TURNS = 1000
FORK_AT = 500
WHOLE_FORK_AT = TURNS - 1
"""lha's nearest to a whole-thread fork: before the last user message."""
REPEAT = 5
MODEL = "gpt-5.1-codex"
SEED = 7
RATIO_GOAL = 0.80
RSS_GOAL_MB = 100


def _lha_command() -> list[str]:
    """The console script a user runs, else ``python -m tui.cli`` (same code path)."""
    script = Path(sys.executable).with_name("lha")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "tui.cli"]


def _write_config(home: Path, base_url: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f'model = "{MODEL}"\n'
        'model_provider = "scripted"\n'
        "[model_providers.scripted]\n"
        'name = "Scripted"\n'
        f'base_url = "{base_url}"\n'
        'wire_api = "responses"\n'
        "request_max_retries = 1\n"
    )


def _lha_env(home: Path, pycache: Path) -> dict[str, str]:
    """The environment of a user's ``lha``: bytecode caching on, as in any normal Python.

    A sandbox or CI may set PYTHONDONTWRITEBYTECODE, which makes every run recompile lha's own
    modules from source (~60 ms here); an installed wheel never does that. The cache goes to a
    private folder (PYTHONPYCACHEPREFIX), filled by the warm-up run, so the checkout stays clean.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(LHA_HOME=str(home), LHA_RETRY_BASE_DELAY_MS="1", PYTHONPYCACHEPREFIX=str(pycache))
    return env


def _conversation() -> list[tuple[str, str]]:
    """The (question, answer) of every turn of ``write_rollout(..., seed=SEED)``, in order."""
    rng = random.Random(SEED)
    return [turn_texts(rng, n) for n in range(TURNS)]


@dataclass
class Series:
    """The measured runs of one command (the warm-up left out)."""

    runs: list[ProcessRun] = field(default_factory=list)
    history_items: int = 0
    """Input items of the model request the runs made: proof the history was sent."""

    @property
    def wall(self) -> float:
        return median([r.wall_s for r in self.runs])

    def text(self) -> str:
        best = min(r.wall_s for r in self.runs)
        cpu = median([r.cpu_s for r in self.runs])
        return f"{self.wall:.3f} s (best {best:.3f}, CPU {cpu:.3f}, {self.history_items} items)"

    @property
    def peak_mb(self) -> float:
        return max(r.peak_rss_mb for r in self.runs)


class TurnCheck:
    """Asserts that a run made exactly one model request, with ``prompt`` last and a history."""

    def __init__(self, server: ScriptedServer) -> None:
        self.server = server
        self.seen = len(server.model_requests())

    def items(self, prompt: str, min_items: int, who: str) -> int:
        requests = self.server.model_requests()
        new = requests[self.seen :]
        self.seen = len(requests)
        if not new:
            raise RuntimeError(f"{who}: no request reached the scripted server")
        body = new[-1].body
        sent = body.get("input") if isinstance(body, dict) else None
        count = len(sent) if isinstance(sent, list) else 0
        if last_user_text(body) != prompt or count < min_items:
            raise RuntimeError(
                f"{who}: the request had {count} items, last user text "
                f"{last_user_text(body)!r}; expected >= {min_items} and {prompt!r}"
            )
        return count


@dataclass
class LhaSide:
    """lha on a 1,000-turn rollout; every run starts from the pristine file."""

    folder: Path
    base_url: str

    def __post_init__(self) -> None:
        self.home = self.folder / "home"
        self.work = self.folder / "work"
        self.work.mkdir(parents=True)
        _write_config(self.home, self.base_url)
        self.env = _lha_env(self.home, self.folder / "pycache")
        self.source = write_rollout(
            self.home,
            self.work,
            TURNS,
            model=MODEL,
            source=SessionSource.EXEC,
            provider="scripted",
            seed=SEED,
        )
        self.pristine = self.folder / "pristine.jsonl"
        shutil.copyfile(self.source, self.pristine)

    def run(self, args: list[str]) -> ProcessRun:
        shutil.copyfile(self.pristine, self.source)  # resume appends: start from 1,000 turns
        for fork in self.source.parent.glob("*.jsonl"):
            if fork != self.source:
                fork.unlink()
        return run_measured([*_lha_command(), "exec", *args], self.env, self.work)


@dataclass
class CodexSide:
    """The Codex CLI on the same 1,000 turns; every run starts from the same CODEX_HOME copy."""

    cli: CodexCli
    work: Path
    thread_id: str = ""
    rollout_bytes: int = 0
    """The session file's size at 1,000 turns."""

    @property
    def pristine(self) -> Path:
        return self.cli.home.with_name("codex-home-pristine")

    def prepare(self, check: TurnCheck, conversation: list[tuple[str, str]]) -> None:
        """One real turn as the template, 999 synthetic turns, then the 1,000th for real.

        The last turn runs through ``codex exec resume`` so the CLI has indexed the thread in
        its state databases, as it has for any session a user resumes; the server answers it
        with the conversation's own answer.
        """
        self.work.mkdir(parents=True, exist_ok=True)
        self.cli.run([TEMPLATE_PROMPT], self.work)
        check.items(TEMPLATE_PROMPT, 1, "codex exec (template turn)")
        (template,) = self.cli.sessions()
        self.thread_id, rollout = write_session(template, conversation[:-1])
        question, answer = conversation[-1]
        check.server.enqueue(Reply.text(answer))
        self.cli.run(["resume", self.thread_id, question], self.work)
        check.items(question, 2 * (TURNS - 1), "codex exec resume (turn 1,000)")
        self.rollout_bytes = rollout.stat().st_size
        shutil.copytree(self.cli.home, self.pristine, symlinks=True)

    def run(self, args: list[str]) -> ProcessRun:
        shutil.rmtree(self.cli.home)
        shutil.copytree(self.pristine, self.cli.home, symlinks=True)
        return self.cli.run(args, self.work)


class Side(Protocol):
    def run(self, args: list[str]) -> ProcessRun: ...


@dataclass(frozen=True)
class Command:
    """One command to measure, and what its model request must hold."""

    who: str
    side: Side
    args: list[str]
    min_items: int

    @property
    def prompt(self) -> str:
        return self.args[-1]


async def _alternate(check: TurnCheck, commands: list[Command]) -> list[Series]:
    """Each command once to warm up, then REPEAT rounds of all of them in turn."""
    series = [Series() for _ in commands]
    for attempt in range(REPEAT + 1):
        for command, out in zip(commands, series, strict=True):
            run = await asyncio.to_thread(command.side.run, command.args)
            out.history_items = check.items(command.prompt, command.min_items, command.who)
            if "echo:" not in run.stdout:
                raise RuntimeError(f"{command.who}: no answer on stdout: {run.stdout[-200:]!r}")
            if attempt:
                out.runs.append(run)
    return series


def _lha_commands(lha: LhaSide) -> dict[str, Command]:
    path = str(lha.source)
    return {
        "resume": Command("lha exec resume", lha, ["resume", path, "one more"], 2 * TURNS),
        "fork": Command(
            f"lha exec fork --at {WHOLE_FORK_AT}",
            lha,
            ["fork", path, "--at", str(WHOLE_FORK_AT), "and now?"],
            2 * WHOLE_FORK_AT,
        ),
        "fork_mid": Command(
            f"lha exec fork --at {FORK_AT}",
            lha,
            ["fork", path, "--at", str(FORK_AT), "and now?"],
            2 * FORK_AT,
        ),
    }


def _codex_commands(codex: CodexSide) -> dict[str, Command]:
    thread = codex.thread_id
    return {
        "resume": Command("codex exec resume", codex, ["resume", thread, "one more"], 2 * TURNS),
        "fork": Command("codex exec fork", codex, ["fork", thread, "and now?"], 2 * TURNS),
    }


def _ratio_row(name: str, lha: Series, codex: Series, note: str = "") -> BenchResult:
    """The median of the rounds' lha / Codex ratios: each pair ran back to back, so a change in
    the machine's load between rounds cancels out instead of landing on one side."""
    ratios = [a.wall_s / b.wall_s for a, b in zip(lha.runs, codex.runs, strict=True)]
    return BenchResult(
        name,
        median(ratios),
        "x",
        goal=RATIO_GOAL,
        detail=(
            f"lha {lha.text()}; Codex CLI {codex.text()}; median of {REPEAT} paired rounds "
            f"(ratio of medians {lha.wall / codex.wall:.3f}){note}"
        ),
    )


def _rss_row(name: str, lha: Series, codex: Series | None) -> BenchResult:
    anchor = f"; Codex CLI {codex.peak_mb:.0f} MB" if codex else ""
    return BenchResult(
        name, lha.peak_mb, "MB", goal=RSS_GOAL_MB, detail=f"max ru_maxrss over the runs{anchor}"
    )


async def _bench_cli(folder: Path, server: ScriptedServer) -> list[BenchResult]:
    check = TurnCheck(server)
    lha = LhaSide(folder / "lha", server.base_url)
    size = lha.source.stat().st_size / MB
    binary, found = find_codex()
    codex: CodexSide | None = None
    if binary is not None:
        codex = CodexSide(
            CodexCli(binary, folder / "codex-home", server.base_url, MODEL), folder / "codex-work"
        )
        await asyncio.to_thread(codex.prepare, check, _conversation())
    ours = _lha_commands(lha)
    theirs = _codex_commands(codex) if codex else {}
    # Each Codex command right after the lha ones it anchors, so every pair shares its moment.
    order = ["resume", "codex_resume", "fork", "codex_fork", "fork_mid"]
    commands = {**ours, **{f"codex_{k}": c for k, c in theirs.items()}}
    names = [name for name in order if name in commands]
    measured = await _alternate(check, [commands[name] for name in names])
    by_name = dict(zip(names, measured, strict=True))
    if codex is None or binary is None:
        return [
            BenchResult("codex: not available", 0, "", detail=found),
            *(
                BenchResult(
                    f"{ours[k].who} (1,000 turns, {size:.2f} MB) + 1 turn",
                    by_name[k].wall,
                    "s",
                    detail=by_name[k].text(),
                )
                for k in ours
            ),
            _rss_row("lha exec resume: peak RSS", by_name["resume"], None),
            _rss_row("lha exec fork: peak RSS", by_name["fork"], None),
        ]
    version = await asyncio.to_thread(codex_version, binary)
    whole = " (Codex forks the whole thread: it has no --at)"
    return [
        BenchResult(
            "codex",
            0,
            "",
            detail=f"{version} at {found}; the Codex CLI's rollout "
            f"{codex.rollout_bytes / MB:.2f} MB, lha's {size:.2f} MB",
        ),
        _ratio_row(
            "exec resume, 1,000 turns + 1: lha / Codex CLI",
            by_name["resume"],
            by_name["codex_resume"],
        ),
        _ratio_row(
            f"exec fork + 1: lha --at {WHOLE_FORK_AT} / Codex CLI",
            by_name["fork"],
            by_name["codex_fork"],
            whole,
        ),
        _ratio_row(
            f"exec fork + 1: lha --at {FORK_AT} / Codex CLI",
            by_name["fork_mid"],
            by_name["codex_fork"],
            whole,
        ),
        _rss_row("lha exec resume: peak RSS", by_name["resume"], by_name["codex_resume"]),
        _rss_row("lha exec fork: peak RSS", by_name["fork"], by_name["codex_fork"]),
    ]


async def _concurrent_turns(
    folder: Path, server: ScriptedServer, threads: int, turns: int
) -> tuple[float, float, int]:
    """(seconds per turn as wall / turns, median turn latency in s, completed turns)."""
    from core.agent.thread_manager import ThreadManager
    from core.auth import LhaAuth
    from core.config import Config
    from core.protocol.events import TaskComplete
    from core.protocol.ops import UserInput

    home = folder / f"threads-{threads}"
    work = folder / "work"
    work.mkdir(parents=True, exist_ok=True)
    endpoint = RuntimeEndpoint(name="Scripted", base_url=server.base_url, wire_api="chat")
    manager = ThreadManager.with_models_provider_and_home(
        LhaAuth.from_api_key("sk-bench"), "scripted", endpoint, home
    )
    config = Config.for_testing(
        home, cwd=work, provider_id="scripted", provider=endpoint, model=MODEL
    )
    spawned = await asyncio.gather(*(manager.start_thread(config) for _ in range(threads)))
    latencies: list[float] = []
    done = 0

    async def drive(index: int) -> None:
        nonlocal done
        thread = spawned[index].thread
        for turn in range(turns):
            start = time.perf_counter()
            await thread.submit(UserInput.text(f"thread {index} turn {turn}: keep going"))
            while True:
                event = await thread.next_event()
                if isinstance(event.msg, TaskComplete):
                    done += 1
                    break
                if event.msg.type in ("error", "turn_aborted"):
                    raise RuntimeError(f"thread {index} turn {turn}: {event.msg}")
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(drive(i) for i in range(threads))), 120)
    wall = time.perf_counter() - start
    await manager.remove_and_close_all_threads()
    return wall / (threads * turns), median(latencies), done


async def _bench_threads(folder: Path, server: ScriptedServer) -> list[BenchResult]:
    turns = 5
    await _concurrent_turns(folder / "warm", server, 2, 1)  # imports and first-connection costs
    per_turn: dict[int, float] = {}
    results: list[BenchResult] = []
    for threads in (1, 10, 100):
        runs = [await _concurrent_turns(folder / f"r{r}", server, threads, turns) for r in range(3)]
        per_turn[threads] = median([r[0] for r in runs])
        done = min(r[2] for r in runs)
        results.append(
            BenchResult(
                f"{threads} thread(s) x {turns} turns at once: time per turn",
                per_turn[threads] * 1000,
                "ms",
                detail=(
                    f"wall / turns, median of 3; {done}/{threads * turns} turns completed; "
                    f"median turn latency {median([r[1] for r in runs]) * 1000:.1f} ms"
                ),
            )
        )
        if done != threads * turns:
            raise RuntimeError(f"{threads} threads: only {done} of {threads * turns} completed")
    results.append(
        BenchResult(
            "time per turn, 100 threads vs 10",
            per_turn[100] / per_turn[10],
            "x",
            goal=1.25,
            detail="flat: 100 concurrent threads cost no more per turn than 10 (+25% slack)",
        )
    )
    return results


async def run() -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="lha-bench-exec-") as raw:
        folder = Path(raw)
        async with ScriptedServer() as server:
            results = await _bench_cli(folder, server)
            results += await _bench_threads(folder, server)
    return results
