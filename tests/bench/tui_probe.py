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
            print(f"milestone {time.time():.6f}", flush=True)
            self.exit()

    Bare().run(headless=True, size=(120, 40))
    return 0


def main(argv: list[str]) -> int:
    if argv[0] == "bare":
        return bare_textual()
    from core.config import Config
    from tui.app import LhaApp
    from tui.start_request import StartRequest

    mode = argv[0]
    config = Config.load()
    start = StartRequest("resume", Path(argv[1])) if mode == "resumed" else None

    class ProbeApp(LhaApp):
        def on_mount(self) -> None:
            if mode == "first-frame":
                self.call_after_refresh(self._milestone)
            super().on_mount()
            if mode != "first-frame":
                self.set_interval(0.005, self._check_resumed)

        def _milestone(self) -> None:
            print(f"milestone {time.time():.6f}", flush=True)
            self.exit()

        def _check_resumed(self) -> None:
            view = self.current_view()
            if view is None or not view.transcript.children:
                return
            last = view.transcript.children[-1]
            if last.region.height and view.transcript.scroll_y >= view.transcript.max_scroll_y:
                self._milestone()

    app = ProbeApp(config, start=start)
    app.run(headless=True, size=(120, 40))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
