"""A probe process for the TUI benchmarks: start lha's app headless and exit at a milestone.

``python -m tests.bench.tui_probe first-frame`` exits right after the first screen is drawn;
``... resumed PATH`` exits once the resumed thread's last message is on screen. It prints the wall
clock at that moment; the benchmark subtracts the moment it launched the process, so the figure
includes interpreter start-up, as a user would feel it, but not the process's teardown.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.config import Config


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started lha (VmHWM, which exec resets,
    unlike ``ru_maxrss``, which also counts the benchmark parent's memory copied at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bare_textual() -> int:
    """The anchor: a bare Textual app with one label, to its first frame."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self._milestone)

        def _milestone(self) -> None:
            print(f"milestone {time.time():.6f} {peak_rss_mb():.1f}", flush=True)
            self.exit()

    Bare().run(headless=True, size=(120, 40))
    return 0


def _load_config() -> Config:
    from core.config import Config

    return Config.load()


def main(argv: list[str]) -> int:
    if argv[0] == "bare":
        return bare_textual()
    from tui.startup_gc import pause_for_startup

    pause_for_startup()  # as `lha` does at process start (tui.cli.main)
    from core.config.home import default_lha_home
    from tui.app import LhaApp
    from tui.start_request import StartRequest
    from tui.ui_settings import read_ui_settings

    mode = argv[0]

    class ProbeApp(LhaApp):
        _done = False

        def on_mount(self) -> None:
            # Textual calls LhaApp.on_mount too (after this one): no super() call here.
            if mode == "first-frame":
                self.call_after_refresh(self._milestone)
            else:
                self.set_interval(0.005, self._check_resumed)

        def _milestone(self) -> None:
            if self._done:
                return
            self._done = True
            print(f"milestone {time.time():.6f} {peak_rss_mb():.1f}", flush=True)
            self.exit()

        def _start_engine(self) -> None:
            # lha starts its engine right after the refresh that drew the resumed transcript
            # (a synchronous import): look at the screen first, or the timer below would only
            # see the transcript once the engine is up.
            if mode != "first-frame":
                self._check_resumed()
            if self.is_running:
                super()._start_engine()

        def _check_resumed(self) -> None:
            """The shown transcript's last entry is laid out and scrolled into view."""
            from tui.widgets.transcript import Transcript  # not before the first frame

            shown = self.transcripts.visible_content
            if not isinstance(shown, Transcript) or not shown.children:
                return
            last = shown.children[-1]
            if last.region.height and shown.scroll_y >= shown.max_scroll_y:
                self._milestone()

    if mode == "first-frame":  # as plain `lha` starts: config validated after the first frame
        settings = read_ui_settings(default_lha_home(), Path.cwd())
        app = ProbeApp(load_config=_load_config, settings=settings)
    else:  # as `lha resume PATH` starts: the config is validated once the transcript shows
        settings = read_ui_settings(default_lha_home(), Path.cwd())
        start = StartRequest("resume", Path(argv[1]))
        app = ProbeApp(load_config=_load_config, settings=settings, start=start)
    app.run(headless=True, size=(120, 40))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
