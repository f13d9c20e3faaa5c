"""The search screen as a user feels it: a keystroke to its hits on screen, at 10,000 sessions.

The library is generated (``search_corpus``, ~1 GB unless ``LHA_BENCH_SEARCH_BYTES`` says
otherwise) and indexed first, as a user's would be. lha then runs in a tmux pane of 120x40
(``tests/support/tmux_pane.py``); the search screen is opened with Ctrl+T Ctrl+F and widened to
every folder with Ctrl+G. Each round clears the query, types a word but its last letter, waits
until the screen has settled on that, then sends the last letter and stops the clock when the
best hit's id is on the pane (read with ``tmux capture-pane`` every few ms). The figure includes
the screen's debounce, the search in its thread, the drawing and tmux itself.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from core.index.library import SessionIndex
from core.index.query import parse_query
from core.index.search import SearchScope
from tests.bench import BenchResult, median
from tests.bench.bench_first_screen import PROJECT_ROOT, SIZE
from tests.bench.search_corpus import vocabulary, write_library
from tests.support.tmux_pane import TmuxPane
from tui.screens.search_hits import SHORT_ID_CHARS
from tui.screens.session_search import EMPTY_QUERY_TEXT, NO_MATCH_TEXT
from tui.threads.library_search import HIT_LIMIT

SESSIONS = 10_000
TARGET_BYTES = int(os.environ.get("LHA_BENCH_SEARCH_BYTES", 1_000_000_000))
ROUNDS = 25
SETTLE_S = 0.3
FIRST_RANK = 3_000
"""Words from this frequency rank on: each is in tens to hundreds of the sessions."""
GOAL_MS = 50
POLL_S = 0.002
TIMEOUT_S = 20.0
PYCACHE = Path(tempfile.gettempdir()) / "lha-bench-pycache"


class KeyPane(TmuxPane):
    """The benchmark's pane, with lha running in it and keys sent to it."""

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.send(*(["-l"] if literal else []), *keys)

    def wait_until(self, seen: Callable[[str], bool], what: str) -> float:
        """Seconds until ``seen(screen)`` holds; ``what`` names it if it never does."""
        try:
            return self.wait_for(seen, TIMEOUT_S, POLL_S)
        except RuntimeError as error:
            raise RuntimeError(f"{what}: {error}") from None


def _home(folder: Path) -> tuple[Path, int]:
    home = folder / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.1"\nmodel_provider = "scripted"\n'
        '[model_providers.scripted]\nname = "Scripted"\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    size = write_library(home, SESSIONS, TARGET_BYTES)
    index = SessionIndex(home)
    index.refresh()
    index.close()
    return home, size


def _lha_command(home: Path) -> list[str]:
    env = [
        f"LHA_HOME={home}",
        f"PYTHONPATH={PROJECT_ROOT}",
        f"PYTHONPYCACHEPREFIX={PYCACHE}",
        f"HOME={os.environ.get('HOME', '/tmp')}",
        f"PATH={os.environ.get('PATH', '')}",
        "TERM=xterm-256color",
    ]
    return ["env", "-i", *env, sys.executable, "-m", "tui.cli"]


def _rounds(home: Path) -> list[tuple[str, str]]:
    """(word, the short id of its best hit over every folder) for ``ROUNDS`` words."""
    index = SessionIndex(home)
    words = vocabulary(random.Random(11))
    chosen: list[tuple[str, str]] = []
    try:
        for word in words[FIRST_RANK:]:
            if len(chosen) == ROUNDS:
                break
            hits, _ = index.search_indexed(parse_query(word), SearchScope(None, limit=HIT_LIMIT))
            if len(word) < 5 or not hits:
                continue
            cuts = [parse_query(word[:-1]), parse_query(word[:-2])]
            if not any(index.search_indexed(cut, SearchScope(None, limit=1))[0] for cut in cuts):
                chosen.append((word, hits[0].thread_id[:SHORT_ID_CHARS]))
    finally:
        index.close()
    return chosen


def _echo_shown(typed: str) -> Callable[[str], bool]:
    return lambda screen: f"\u258a  {typed} " in screen


def _settle_on_no_match(pane: KeyPane, typed: str) -> None:
    pane.wait_until(_echo_shown(typed), f"{typed} typed")
    pane.wait_until(lambda screen: NO_MATCH_TEXT in screen, f"no match for {typed}")
    time.sleep(SETTLE_S)


def _round(pane: KeyPane, word: str, marker: str) -> tuple[float, float]:
    """(the letter echoed, the best hit shown): seconds after the key, in one round."""
    pane.keys(word[:-2], literal=True)
    _settle_on_no_match(pane, word[:-2])
    started = time.perf_counter()
    pane.keys(word[-2], literal=True)
    pane.wait_until(_echo_shown(word[:-1]), word[:-1])
    echo = time.perf_counter() - started
    _settle_on_no_match(pane, word[:-1])
    started = time.perf_counter()
    pane.keys(word[-1], literal=True)
    pane.wait_until(lambda screen: marker in screen, word)
    return echo, time.perf_counter() - started


def _measure(folder: Path) -> tuple[list[tuple[float, float]], int]:
    home, size = _home(folder)
    rounds = _rounds(home)
    work = folder / "work"
    work.mkdir()
    pane = KeyPane(folder, SIZE)
    times: list[tuple[float, float]] = []
    try:
        pane.launch(_lha_command(home), work)
        pane.wait_until(lambda screen: "a workbench for coding-agent" in screen, "lha")
        time.sleep(1.0)  # the engine starts right after the first screen
        pane.keys("C-t")
        time.sleep(0.2)
        pane.keys("C-f")
        pane.wait_until(lambda screen: "Search sessions" in screen, "the search screen")
        pane.keys("C-g")
        pane.wait_until(lambda screen: "in every folder" in screen, "every folder")
        for number, (word, marker) in enumerate(rounds):
            if number:  # clear the last word (Textual applies an edit key after the letters
                # read with it, so the letters wait until the query is seen empty)
                pane.keys("C-u")
                pane.wait_until(lambda screen: EMPTY_QUERY_TEXT[:30] in screen, "an empty query")
            times.append(_round(pane, word, marker))
    finally:
        pane.close()
    return times, size


async def run() -> list[BenchResult]:
    if shutil.which("tmux") is None:
        print("skipping the TUI search figure: tmux is not installed", file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory(prefix="lha-bench-tui-search-") as tmp:
        times, size = await asyncio.to_thread(_measure, Path(tmp))
    echo = [e * 1000 for e, _ in times]
    ms = [t * 1000 for _, t in times]
    return [
        BenchResult(
            "TUI search in tmux 120x40: a keystroke to its best hit on screen",
            median(ms),
            "ms",
            goal=GOAL_MS,
            detail=f"{SESSIONS:,} sessions, {size / 1e9:.2f} GB, every folder; median of "
            f"{len(ms)} words (runs {min(ms):.0f}-{max(ms):.0f} ms); the same pane echoes a "
            f"letter in {median(echo):.0f} ms (anchor, same rounds)",
        )
    ]
