"""In a real terminal (tmux), the frame lha paints before Textual loads is the frame Textual then
draws, cell for cell (text and colours), and the rows stay on screen while Textual takes over."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from core.rollout.listing import list_threads_sync
from tests.support.rollout_factory import write_rollout
from tests.support.tmux_pane import Cell, TmuxPane, cells

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(120, 40), (100, 30)]
SLOW_START_S = 1.5
"""How long the launched lha waits between its own frame and starting Textual (a slow import)."""
SLOW_LHA = (
    "import sys, time\n"
    "import tui.cli\n"
    "tui.cli.prepaint_for_plain_lha()\n"
    f"time.sleep({SLOW_START_S})\n"
    "sys.exit(tui.cli.main([]))\n"
)
TEXTUAL_FOOTER = "Quit"
"""On Textual's screen once its footer has its keys (the pre-painted footer is blank)."""


def _home(folder: Path) -> tuple[Path, str]:
    """Past sessions that all fit on screen (the sidebar adds no scrollbar after its first
    frame); returns the home and the newest session's first words."""
    home = folder / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.1"\nmodel_provider = "scripted"\n'
        '[model_providers.scripted]\nname = "Scripted"\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    for seed in range(8):
        write_rollout(home, folder, 2, seed=seed)
    return home, list_threads_sync(home, 1).items[0].preview.splitlines()[0][:24]


def _command(home: Path, colour: str) -> list[str]:
    env = [
        f"LHA_HOME={home}",
        f"PYTHONPATH={ROOT}",
        f"HOME={home.parent}",
        f"PATH={os.environ.get('PATH', '')}",
        "TERM=xterm-256color",
        f"COLORTERM={colour}",
    ]
    return ["env", "-i", *env, sys.executable, "-c", SLOW_LHA]


def _settled(pane: TmuxPane) -> str:
    """The pane with its colours once two captures 50 ms apart agree: tmux may show a frame
    written in one go before it has read all of it."""
    before = pane.screen(escapes=True)
    while True:
        time.sleep(0.05)
        now = pane.screen(escapes=True)
        if now == before:
            return now
        before = now


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("colour", ["truecolor", ""], ids=["truecolor", "256 colours"])
def test_textual_repaints_the_prepainted_frame_without_a_blank(
    tmp_path: Path, size: tuple[int, int], colour: str
) -> None:
    home, newest = _home(tmp_path)
    pane = TmuxPane(tmp_path, size)
    try:
        pane.launch(_command(home, colour), tmp_path)
        pane.wait_for(lambda screen: newest in screen, 10, 0.005)
        painted = _settled(pane)  # Textual is not even imported yet
        seen: list[str] = []
        deadline = time.monotonic() + 30
        while TEXTUAL_FOOTER not in (seen or [""])[-1] and time.monotonic() < deadline:
            seen.append(pane.screen())
            time.sleep(0.005)
        drawn = pane.screen(escapes=True)
    finally:
        pane.close()
    assert TEXTUAL_FOOTER in seen[-1], "Textual never drew its screen"
    assert all(newest in screen for screen in seen), "the rows left the screen meanwhile"
    last = size[1] - 1  # the footer: blank in the first frame, then Textual fills it in
    assert _seen(painted)[:last] == _seen(drawn)[:last]


def test_keys_typed_on_the_prepainted_frame_reach_the_composer(tmp_path: Path) -> None:
    """The pre-painted frame shows a composer, so users type into it before Textual runs: the
    terminal keeps those keys for Textual, and Textual's composer must take them (the terminal
    echoes them meanwhile, so a dropped key would vanish when Textual repaints)."""
    size = (100, 30)
    home, newest = _home(tmp_path)
    pane = TmuxPane(tmp_path, size)
    try:
        pane.launch(_command(home, "truecolor"), tmp_path)
        pane.wait_for(lambda screen: newest in screen, 10, 0.005)
        pane.send("-l", "fix the parser")  # Textual is not even imported yet
        pane.wait_for(lambda screen: TEXTUAL_FOOTER in screen, 30, 0.01)
        composer = size[1] - 4  # the line of the composer's text (tui.prepaint.composer_cell)
        pane.wait_for(lambda screen: "fix the parser" in screen.splitlines()[composer], 5, 0.05)
        time.sleep(0.3)  # and it stays: nothing repaints the composer empty after
        line = pane.screen().splitlines()[composer]
    finally:
        pane.close()
    assert "fix the parser" in line and "Ask anything" not in line, line


def _seen(escaped_screen: str) -> list[list[Cell]]:
    """What a user sees of each cell: a blank's foreground colour and weight show nowhere."""
    return [
        [
            (char, fg, bg, bold) if char.strip() else (char, None, bg, False)
            for char, fg, bg, bold in line
        ]
        for line in cells(escaped_screen)
    ]
