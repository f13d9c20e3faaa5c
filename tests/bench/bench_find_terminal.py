"""Find in a 1,000-turn thread as a user sees it: lha in a tmux pane of 120x40, the clock running
from the keystroke sent to the pane until the highlighted match is in the pane's cells (read with
``tmux capture-pane -e``, colours included), beside ``bench_transcript``'s in-process figures.

The same keystrokes as there: "t" with the find bar open at the end of the thread (a match on
screen), then "turn " and "1" (the current match, turn 199, is in a part that is not mounted).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import BenchResult, median
from tests.bench.bench_first_screen import POLL_S, SIZE, TIMEOUT_S, _lha_command
from tests.support.tmux_pane import TmuxPane

REPEAT = 7
SETTLE_S = 0.4
"""Pause after a key that only sets up the next measurement."""
HIGHLIGHT_BACKGROUND = "48;5;214"
"""Find's highlight in the pane: the default theme's warning colour as a background, in the 256
colours of TERM=xterm-256color."""
_SGR = r"(?:\x1b\[[0-9;]*m)*"


def highlighted(text: str) -> re.Pattern[str]:
    """``text`` drawn with find's highlight background (other attributes may come between)."""
    return re.compile(re.escape(HIGHLIGHT_BACKGROUND) + "m" + _SGR + re.escape(text), re.IGNORECASE)


def _setup(folder: Path) -> tuple[Path, Path]:
    from tests.support.rollout_factory import write_rollout

    home = folder / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.1"\nmodel_provider = "scripted"\n'
        '[model_providers.scripted]\nname = "Scripted"\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    return home, write_rollout(home, folder, 1000)


def _timed(pane: TmuxPane, key: str, pattern: re.Pattern[str]) -> float:
    """Seconds from sending ``key`` until ``pattern`` is in the pane (with its colours)."""
    if pattern.search(pane.screen(escapes=True)):
        raise RuntimeError(f"{pattern.pattern!r} is on screen before the key")
    started = time.perf_counter()
    pane.send(key)
    return pane.wait_since(
        lambda screen: pattern.search(screen) is not None,
        started,
        TIMEOUT_S,
        POLL_S,
        escapes=True,
    )


def _echo_times(pane: TmuxPane) -> list[float]:
    """The floor under the figures: a letter typed in the composer until it is on screen
    (the terminal, tmux, Textual's input and one frame, and the polling)."""
    times = []
    for _ in range(REPEAT):
        pane.send("z")
        time.sleep(SETTLE_S)
        started = time.perf_counter()
        pane.send("q")
        times.append(pane.wait_since(lambda screen: "zq" in screen, started, TIMEOUT_S, POLL_S))
        pane.send("BSpace", "BSpace")
        time.sleep(SETTLE_S)
    return times


def _measure(folder: Path) -> tuple[list[float], list[float], list[float]]:
    home, path = _setup(folder)
    pane = TmuxPane(folder, SIZE)
    near: list[float] = []
    far: list[float] = []
    try:
        pane.launch([*_lha_command(home), "resume", str(path)], folder)
        ready = "^q Quit"  # the footer: the app itself is up (not only its first frame)
        pane.wait_for(lambda screen: "turn 999:" in screen and ready in screen, TIMEOUT_S, POLL_S)
        time.sleep(SETTLE_S)
        echo = _echo_times(pane)
        pane.send("/find", "Enter")
        time.sleep(SETTLE_S)
        for attempt in range(REPEAT + 1):  # the first round warms caches
            near_time = _timed(pane, "t", highlighted("t"))
            pane.send("urn ")
            time.sleep(SETTLE_S)
            far_time = _timed(pane, "1", highlighted("turn 1"))
            if attempt:
                near.append(near_time)
                far.append(far_time)
            pane.send("Escape")  # the transcript has focus: to its end, and find again
            time.sleep(SETTLE_S)
            pane.send("End")
            time.sleep(SETTLE_S)
            pane.send("C-f")  # the bar selects its last text: "t" replaces it
            time.sleep(SETTLE_S)
    finally:
        pane.close()
    return echo, near, far


async def run() -> list[BenchResult]:
    if shutil.which("tmux") is None:
        print("skipping the find-in-a-terminal figures: tmux is not installed", file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory(prefix="lha-bench-find-", ignore_cleanup_errors=True) as tmp:
        echo, near, far = await asyncio.to_thread(_measure, Path(tmp))
    spread = "median of {n}; runs {low:.1f}-{high:.1f} ms; capture-pane polled every 5 ms"
    return [
        BenchResult(
            "a letter typed in the composer, in tmux, until on screen (anchor: this floor)",
            median(echo) * 1000,
            "ms",
            detail=spread.format(n=REPEAT, low=min(echo) * 1000, high=max(echo) * 1000),
        ),
        BenchResult(
            "find in a 1,000-turn thread, in tmux: keystroke to first match highlighted on screen",
            median(near) * 1000,
            "ms",
            goal=50,
            detail=spread.format(n=REPEAT, low=min(near) * 1000, high=max(near) * 1000),
        ),
        BenchResult(
            "find in a 1,000-turn thread, in tmux: keystroke to a match in an unmounted part shown",
            median(far) * 1000,
            "ms",
            goal=100,
            detail=spread.format(n=REPEAT, low=min(far) * 1000, high=max(far) * 1000),
        ),
    ]
