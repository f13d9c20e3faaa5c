"""Textual's Footer, rebuilt at most once per refresh.

The stock Footer rebuilds all its key widgets on every bindings change; while lha starts (a
transcript mounting, focus settling) those arrive in bursts, and each rebuild mounts a dozen
widgets. Here a burst costs one rebuild.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._rebuild_pending:
            return
        self._rebuild_pending = True
        self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen[object]) -> None:
        self._rebuild_pending = False
        super().bindings_changed(screen)
