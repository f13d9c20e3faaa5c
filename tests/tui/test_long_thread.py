"""A 1,000-turn thread opens with its last message visible and scrolls to its top quickly."""

from __future__ import annotations

import time
from pathlib import Path

from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import current_id, make_app, thread_on_screen, wait_until
from tui.start_request import StartRequest
from tui.widgets.transcript import MAX_MOUNTED, WINDOW


async def test_a_thousand_turn_thread_opens_at_its_end_and_reaches_its_top(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    path = write_rollout(home, tmp_path, 1000)
    app = make_app(home, scripted_server, tmp_path, start=StartRequest("resume", path))
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        view = thread_on_screen(app)
        transcript = view.transcript
        assert len(transcript.entries) == 2000
        start, end = transcript.mounted_range
        assert end == 2000 and end - start == WINDOW
        await pilot.pause()
        last = transcript.children[-1]
        assert last.region.y < transcript.region.bottom, "the last message is on screen"
        assert transcript.scroll_y == transcript.max_scroll_y

        transcript.focus()
        await pilot.pause()
        assert app.focused is transcript, app.focused
        began = time.perf_counter()
        await pilot.press("home")
        await pilot.pause()
        assert time.perf_counter() - began < 2.0
        assert transcript.mounted_range[0] == 0
        first = transcript.children[0]
        assert "turn 0:" in first.entry.text  # type: ignore[attr-defined]

        transcript.scroll_end(animate=False)
        for _ in range(12):
            transcript.scroll_end(animate=False)
            await pilot.pause()
        assert len(transcript.children) <= MAX_MOUNTED
        await pilot.press("end")
        await pilot.pause()
        assert transcript.mounted_range[1] == 2000
