"""Working in a 1,000-turn thread (issue 15's figures): find's first highlighted match after a
keystroke, a find that jumps into an unmounted part, and the copy and jump keys, each timed
from the key press to the screen refreshed after it (Textual's pilot, headless)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from tests.bench import BenchResult, median
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import current_id, make_app, thread_on_screen, wait_until
from tui.app import LhaApp
from tui.start_request import StartRequest
from tui.widgets.find_bar import FindBar
from tui.widgets.transcript import Transcript

REPEAT = 7
FRAME_S = 1 / 60
"""One frame at Textual's default 60 frames a second."""


async def _timed_key(pilot: Pilot[None], key: str, done: Callable[[], bool]) -> float:
    """Seconds from the key reaching the app (as the terminal driver posts it) until ``done``
    holds and the screen has refreshed after it. The pilot's own waits are left out."""
    app = pilot.app
    await pilot.pause()  # start from a quiet app
    refreshed = asyncio.Event()
    started = time.perf_counter()
    character = {"left_square_bracket": "["}.get(key, key if len(key) == 1 else None)
    await app._post_message(events.Key(key, character))
    deadline = started + 5
    while not done():
        if time.perf_counter() > deadline:
            raise AssertionError(f"{key!r}: condition not reached")
        await asyncio.sleep(0)
    app.call_after_refresh(refreshed.set)
    await refreshed.wait()
    return time.perf_counter() - started


def _current_highlighted(app: LhaApp, transcript: Transcript, query: str) -> Callable[[], bool]:
    def check() -> bool:
        state = app.query_one(FindBar).state
        match = state.current_match if state.query == query else None
        view = transcript.view_at(match.entry) if match is not None else None
        return view is not None and transcript.find_mark(match.entry) == "current"  # type: ignore[union-attr]

    return check


async def _find_times(app: LhaApp, pilot: Pilot[None]) -> tuple[list[float], list[float]]:
    transcript = thread_on_screen(app).transcript
    near: list[float] = []
    far: list[float] = []
    for _ in range(REPEAT):
        await pilot.press("end")
        transcript.focus()
        await pilot.press("ctrl+f")
        # "t": matches everywhere; the first one at the view is mounted.
        near.append(await _timed_key(pilot, "t", _current_highlighted(app, transcript, "t")))
        await pilot.press(*"urn ")
        assert transcript.view_at(1990) is not None, "still at the end of the thread"
        # "turn 1": no match near the end (turns 992-999); the current one is turn 199,
        # 1,500 entries up, outside the mounted window.
        far.append(await _timed_key(pilot, "1", _current_highlighted(app, transcript, "turn 1")))
        assert transcript.mounted_range[1] < 1000, transcript.mounted_range
        await pilot.press("escape")
    return near, far


async def _copy_and_jump_times(
    app: LhaApp, pilot: Pilot[None]
) -> tuple[list[float], list[float], list[float]]:
    transcript = thread_on_screen(app).transcript
    copies: list[float] = []
    jumps: list[float] = []
    floor: list[float] = []
    for _ in range(REPEAT):
        await pilot.press("end")
        transcript.focus()
        await pilot.press("k")
        app.copy_to_clipboard("")
        copies.append(await _timed_key(pilot, "c", lambda: bool(app.clipboard)))
        before = app.focused
        jumps.append(
            await _timed_key(pilot, "left_square_bracket", lambda b=before: app.focused is not b)
        )
        floor.append(await _timed_key(pilot, "f12", lambda: True))
    return copies, jumps, floor


async def run() -> list[BenchResult]:
    with tempfile.TemporaryDirectory(
        prefix="lha-bench-transcript-", ignore_cleanup_errors=True
    ) as tmp:
        folder = Path(tmp)
        home = folder / "home"
        path = write_rollout(home, folder, 1000)
        async with ScriptedServer() as server:
            app = make_app(home, server, folder, start=StartRequest("resume", path))
            async with app.run_test(size=(120, 40)) as pilot:
                await wait_until(pilot, lambda: current_id(app) is not None, within_s=30)
                await pilot.pause()
                near, far = await _find_times(app, pilot)
                copies, jumps, floor = await _copy_and_jump_times(app, pilot)
    frame = f"one frame is {FRAME_S * 1000:.1f} ms"
    return [
        BenchResult(
            "a key bound to nothing, to the next refresh (anchor: this measurement's floor)",
            median(floor) * 1000,
            "ms",
        ),
        BenchResult(
            "find in a 1,000-turn thread: keystroke to first match highlighted",
            median(near) * 1000,
            "ms",
            goal=50,
            detail=f"median of {REPEAT}; max {max(near) * 1000:.1f} ms",
        ),
        BenchResult(
            "find in a 1,000-turn thread: keystroke to a match in an unmounted part shown",
            median(far) * 1000,
            "ms",
            goal=100,
            detail=f"median of {REPEAT}; max {max(far) * 1000:.1f} ms",
        ),
        BenchResult(
            "copy a focused message (c) to the clipboard",
            median(copies) * 1000,
            "ms",
            goal=FRAME_S * 1000,
            detail=frame,
        ),
        BenchResult(
            "jump to the previous user message ([)",
            median(jumps) * 1000,
            "ms",
            goal=FRAME_S * 1000,
            detail=frame,
        ),
    ]
