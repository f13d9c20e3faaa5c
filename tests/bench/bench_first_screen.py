"""The first screen as a user sees it: launch in a real terminal until a past session is listed.

lha runs in a tmux pane of 120x40 with 1,000 past sessions; the clock stops when the newest
session's first message is on the pane (read with ``tmux capture-pane``), not at a milestone of
lha's own. In the same run, and the same pane, the Codex CLI's TUI (0.169, installed from npm
under /tmp/codex-cli, or ``LHA_BENCH_CODEX``) is timed to its prompt, its first screen. Codex is
logged in with a dummy API key in a temporary CODEX_HOME (its TUI asks for a login otherwise; no
request is made); the app-server daemon it starts is stopped at the end, by the pids it records.

Runs alternate between them, after one warm-up run of each, so a busy machine slows all.
``LHA_BENCH_LHA_ROOT=/path/to/checkout`` times that checkout's lha instead of this one's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench import BenchResult, median

REPEAT = 5
SIZE = (120, 40)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
LHA_ROOT = Path(os.environ.get("LHA_BENCH_LHA_ROOT", PROJECT_ROOT))
"""The checkout whose lha is timed (another one's, to compare before and after a change)."""
PYCACHE = Path(tempfile.gettempdir()) / "lha-bench-pycache"
CODEX = Path(os.environ.get("LHA_BENCH_CODEX", "/tmp/codex-cli/node_modules/.bin/codex"))
POLL_S = 0.005
TIMEOUT_S = 20.0
CODEX_PROMPT = "\u203a "
"""How Codex's composer line begins: its prompt is on screen."""
BARE_TEXT = "a bare Textual app"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Footer, Static
class Bare(App):
    def compose(self):
        yield Static({BARE_TEXT!r})
        yield Footer()
Bare().run()
"""
"""The floor under lha's figure: Python and Textual, to a first frame, in the same pane."""


class Pane:
    """One tmux pane of ``SIZE`` on a private server; ``launch`` starts a command in it."""

    def __init__(self, folder: Path) -> None:
        self.socket = str(folder / "tmux.sock")
        self._tmux("new-session", "-d", "-x", str(SIZE[0]), "-y", str(SIZE[1]), "-s", "b", "cat")

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def screen(self, *, colors: bool = False) -> str:
        """The pane's text; with ``colors``, with the SGR escapes of its cells too."""
        return self._tmux("capture-pane", "-p", *(["-e"] if colors else []), "-t", "b")

    def start(self, command: list[str], cwd: Path) -> None:
        self._tmux("respawn-pane", "-k", "-t", "b", "-c", str(cwd), _shell_line(command))

    def send(self, *keys: str) -> None:
        """Type ``keys`` (tmux key names: "Enter", "Escape", "C-f", or literal text)."""
        self._tmux("send-keys", "-t", "b", *keys)

    def wait_for(
        self, seen: Callable[[str], bool], started: float, *, colors: bool = False
    ) -> float:
        """Seconds from ``started`` (``time.perf_counter``) until ``seen(screen)`` holds."""
        while not seen(self.screen(colors=colors)):
            if time.perf_counter() - started > TIMEOUT_S:
                raise RuntimeError(f"not on screen in {TIMEOUT_S} s:\n{self.screen()}")
            time.sleep(POLL_S)
        return time.perf_counter() - started

    def time_until(self, command: list[str], cwd: Path, seen: Callable[[str], bool]) -> float:
        """Seconds from launching ``command`` in the pane until ``seen(screen)`` holds."""
        self._tmux("respawn-pane", "-k", "-t", "b", "cat")  # a blank pane to start from
        started = time.perf_counter()
        self.start(command, cwd)
        elapsed = self.wait_for(seen, started)
        self._tmux("respawn-pane", "-k", "-t", "b", "cat")
        return elapsed

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._tmux("kill-server")


def _shell_line(command: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(part) for part in command)


def _lha_home(folder: Path) -> tuple[Path, str]:
    """1,000 past sessions; returns the home and the newest one's first message as listed."""
    from core.rollout.listing import list_threads_sync
    from tests.support.rollout_factory import write_rollout

    home = folder / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.1"\nmodel_provider = "scripted"\n'
        '[model_providers.scripted]\nname = "Scripted"\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    for index in range(1000):
        write_rollout(home, folder, 2, seed=index)
    newest = list_threads_sync(home, 1).items[0]
    return home, newest.preview.strip().splitlines()[0][:24]


def _lha_command(home: Path) -> list[str]:
    # As a user's Python does: bytecode cached, in a private folder so the checkout stays clean.
    env = [
        f"LHA_HOME={home}",
        f"PYTHONPATH={LHA_ROOT}",
        f"PYTHONPYCACHEPREFIX={PYCACHE}",
        f"HOME={os.environ.get('HOME', '/tmp')}",
        f"PATH={os.environ.get('PATH', '')}",
        "TERM=xterm-256color",
    ]
    return ["env", "-i", *env, sys.executable, "-m", "tui.cli"]


def _codex_home(folder: Path) -> Path | None:
    """A CODEX_HOME logged in with a dummy key, or None when the Codex CLI is not installed."""
    if not CODEX.exists() or shutil.which("node") is None:
        return None
    codex_home = folder / "codex-home"
    codex_home.mkdir()
    subprocess.run(
        [str(CODEX), "login", "--with-api-key"],
        input="sk-bench-dummy",
        env={**_codex_env(codex_home), "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return codex_home


def _codex_env(codex_home: Path) -> dict[str, str]:
    return {"HOME": str(codex_home.parent), "CODEX_HOME": str(codex_home)}


def _codex_command(codex_home: Path) -> list[str]:
    env = [f"{k}={v}" for k, v in _codex_env(codex_home).items()]
    path = os.environ.get("PATH", "")
    return ["env", "-i", *env, f"PATH={path}", "TERM=xterm-256color", str(CODEX)]


def _stop_codex_daemon(codex_home: Path) -> None:
    """Stop the app-server processes this run's Codex started (their pids are in its home)."""
    for name in ("daemon.pid", "daemon-updater.pid"):
        try:
            pid = int(json.loads((codex_home / "app-server-daemon" / name).read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)


def _codex_prompt_shown(screen: str) -> bool:
    return any(line.startswith(CODEX_PROMPT) for line in screen.splitlines())


def _bare_command() -> list[str]:
    env = [f"PYTHONPYCACHEPREFIX={PYCACHE}", "TERM=xterm-256color"]
    return ["env", "-i", *env, sys.executable, "-c", BARE_APP]


def _measure(folder: Path) -> dict[str, list[float]]:
    home, first_row = _lha_home(folder)
    work = folder / "work"
    work.mkdir()
    codex_home = _codex_home(folder)
    pane = Pane(folder)
    runs: list[tuple[str, list[str], Callable[[str], bool]]] = [
        ("lha", _lha_command(home), lambda screen: first_row in screen),
        ("bare", _bare_command(), lambda screen: BARE_TEXT in screen),
    ]
    if codex_home is not None:
        runs.append(("codex", _codex_command(codex_home), _codex_prompt_shown))
    times: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    try:
        for attempt in range(REPEAT + 1):  # the first run of each warms caches
            for name, command, seen in runs:
                elapsed = pane.time_until(command, work, seen)
                if attempt:
                    times[name].append(elapsed)
    finally:
        pane.close()
        if codex_home is not None:
            _stop_codex_daemon(codex_home)
    return times


def _spread(values: list[float]) -> str:
    return f"runs {min(values):.3f}-{max(values):.3f} s"


async def run() -> list[BenchResult]:
    if shutil.which("tmux") is None:
        print("skipping the first-screen figure: tmux is not installed", file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory(prefix="lha-bench-screen-") as tmp:
        times = await asyncio.to_thread(_measure, Path(tmp))
    lha, bare = median(times["lha"]), median(times["bare"])
    results = [
        BenchResult(
            "bare Textual app in tmux 120x40: launch to its first frame (anchor, same run)",
            bare,
            "s",
            detail=f"{_spread(times['bare'])}; lha's first screen is {lha / bare:.2f}x this",
        )
    ]
    name = "first screen in tmux 120x40, 1,000 past sessions: launch to the first row"
    if "codex" not in times:
        detail = f"{_spread(times['lha'])}; Codex CLI not installed at {CODEX}: no comparison"
        return [*results, BenchResult(name, lha, "s", detail=detail)]
    codex = median(times["codex"])
    return [
        *results,
        BenchResult(
            "Codex CLI 0.169 TUI in tmux 120x40: launch to its prompt (anchor, same run)",
            codex,
            "s",
            detail=_spread(times["codex"]),
        ),
        BenchResult(
            name,
            lha,
            "s",
            goal=round(0.85 * codex, 3),
            detail=f"{_spread(times['lha'])}; {lha / codex:.2f}x Codex's time to its prompt",
        ),
    ]
