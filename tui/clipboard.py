"""Copying to the clipboard through the terminal (OSC 52), so it works over SSH and in tmux.

Textual's ``copy_to_clipboard`` keeps the text in the app and writes the OSC 52 sequence; a
terminal that ignores the sequence leaves the system clipboard as it was, and nothing tells the
program. The terminals known to ignore it are named here, so the notification can say where
the text went instead of claiming a copy that did not happen.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from textual.app import App

TERMINALS_WITHOUT_OSC52 = {"Apple_Terminal"}
"""``TERM_PROGRAM`` values of terminals that do not take clipboard writes."""
TERMS_WITHOUT_OSC52 = {"linux", "dumb"}
"""``TERM`` values of consoles that do not take clipboard writes."""


def terminal_takes_osc52(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get("TERM_PROGRAM", "") in TERMINALS_WITHOUT_OSC52:
        return False
    return env.get("TERM", "") not in TERMS_WITHOUT_OSC52


def copy_text(app: App[Any], text: str, what: str) -> None:
    """Copy ``text`` and say what was copied (``what``: "the last answer", "a code block")."""
    app.copy_to_clipboard(text)
    size = f"{len(text)} character{'s' * (len(text) != 1)}"
    if terminal_takes_osc52():
        app.notify(f"copied {what} ({size})", timeout=2, markup=False)
        return
    app.notify(
        f"copied {what} ({size}) into lha's own buffer, not to the system clipboard: "
        "this terminal does not take OSC 52",
        severity="warning",
        timeout=4,
        markup=False,
    )
