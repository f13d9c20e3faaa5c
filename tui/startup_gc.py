"""Pausing Python's cyclic GC while lha starts, and freezing what start-up made.

Start-up (imports, the widget tree, a resumed rollout) allocates hundreds of thousands of
long-lived objects that the GC would otherwise scan again and again while they are being made.
``lha`` pauses it when the process starts and ends the pause once the first thing the user
asked for is on screen: what exists then is frozen, so later collections skip it.
"""

from __future__ import annotations

import gc


def pause_for_startup() -> None:
    gc.disable()


def end_startup_pause() -> None:
    """Freeze start-up's objects and turn the GC back on (a no-op when it was not paused)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
