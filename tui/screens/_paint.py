"""Drawing a widget's change at once, for the one place where a frame's wait is most of the cost.

Textual repaints a screen from a 60 Hz timer that pauses while nothing changes. The first change
after a pause is drawn at once; the next one waits for the second tick after it (the timer,
skipping the ticks it slept through, lands one tick further than the next), so 17-33 ms after
the first. On the search screen the first change is the keystroke's echo and the second the
hits, ~15 ms later: they waited up to 18 ms more for a tick, a third of the budget for a
keystroke's hits (``tests/bench/bench_tui_search.py``). ``paint_now`` draws the widget's
screen at once, as that tick would have, through the screen's own update step. It reaches into
Textual's private screen API (Textual is pinned, see pyproject.toml); should that change, it
falls back to the normal refresh and only the figure suffers, which the benchmark shows.
"""

from __future__ import annotations

from textual.widget import Widget


def paint_now(widget: Widget) -> bool:
    """Refresh ``widget`` and draw its screen now instead of at the next frame tick; False
    when it could not (its screen is not the one shown, or Textual's screen API changed) and
    the refresh waits for the tick as usual."""
    widget.refresh()
    screen = widget.screen
    dirty = getattr(screen, "_dirty_widgets", None)
    update = getattr(screen, "_on_timer_update", None)
    if not (isinstance(dirty, set) and callable(update) and screen.is_current):
        return False
    dirty.add(widget)
    update()
    return True
