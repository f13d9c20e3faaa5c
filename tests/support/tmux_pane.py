"""A real terminal for tests and benchmarks: one tmux pane on a private tmux server.

What a user sees is what ``tmux capture-pane`` returns: the pane's text, or with ``escapes`` its
colours too, which ``cells`` reads back into one (character, foreground, background, bold) per
cell.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

Cell = tuple[str, object, object, bool]
"""A character, its foreground and background (a 256-colour index, an RGB tuple or None), bold."""
_SGR_OR_CHAR = re.compile(r"\x1b\[([0-9;]*)m|([^\x1b])")


class TmuxPane:
    """One pane of ``size`` (columns, lines) on a tmux server of its own, under ``folder``."""

    def __init__(self, folder: Path, size: tuple[int, int]) -> None:
        self.socket = str(folder / "tmux.sock")
        width, height = size
        self._tmux("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "p", "cat")

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def screen(self, *, escapes: bool = False) -> str:
        """The pane's text; with ``escapes``, its colours too and every cell to the right edge
        (a line's trailing blanks have a background as well)."""
        return self._tmux("capture-pane", "-p", *(["-e", "-N"] if escapes else []), "-t", "p")

    def launch(self, command: list[str], cwd: Path) -> None:
        """Run ``command`` in the pane, in place of what ran there."""
        line = " ".join(shlex.quote(part) for part in command)
        self._tmux("respawn-pane", "-k", "-t", "p", "-c", str(cwd), line)

    def blank(self) -> None:
        """End what runs in the pane; a blank pane to start from."""
        self._tmux("respawn-pane", "-k", "-t", "p", "cat")

    def wait_for(self, seen: Callable[[str], bool], timeout_s: float, poll_s: float) -> float:
        """Seconds until ``seen(screen)`` holds (the caller launched something just before)."""
        started = time.perf_counter()
        while not seen(self.screen()):
            if time.perf_counter() - started > timeout_s:
                raise RuntimeError(f"not on screen in {timeout_s} s:\n{self.screen()}")
            time.sleep(poll_s)
        return time.perf_counter() - started

    def send(self, *keys: str) -> None:
        """Type ``keys`` (tmux key names such as "Enter", "Escape", "C-f", or literal text)."""
        self._tmux("send-keys", "-t", "p", *keys)

    def wait_since(
        self,
        seen: Callable[[str], bool],
        started: float,
        timeout_s: float,
        poll_s: float,
        *,
        escapes: bool = False,
    ) -> float:
        """Seconds from ``started`` (``time.perf_counter``, taken before a key was sent) until
        ``seen(screen)`` holds; with ``escapes`` the screen carries its colours."""
        while not seen(self.screen(escapes=escapes)):
            if time.perf_counter() - started > timeout_s:
                raise RuntimeError(f"not on screen in {timeout_s} s:\n{self.screen()}")
            time.sleep(poll_s)
        return time.perf_counter() - started

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._tmux("kill-server")


def cells(escaped_screen: str) -> list[list[Cell]]:
    """Each line of a ``screen(escapes=True)`` capture as its cells."""
    return [_line_cells(line) for line in escaped_screen.split("\n")]


def _line_cells(line: str) -> list[Cell]:
    fg: object = None
    bg: object = None
    bold = False
    out: list[Cell] = []
    for match in _SGR_OR_CHAR.finditer(line):
        if match.group(2) is not None:
            out.append((match.group(2), fg, bg, bold))
            continue
        params = [int(part) if part else 0 for part in match.group(1).split(";")]
        index = 0
        while index < len(params):
            code = params[index]
            if code == 0:
                fg, bg, bold = None, None, False
            elif code in (1, 22):
                bold = code == 1
            elif code in (39, 49):
                fg, bg = (None, bg) if code == 39 else (fg, None)
            elif code in (38, 48):
                colour, index = _extended_colour(params, index)
                fg, bg = (colour, bg) if code == 38 else (fg, colour)
            index += 1
    return out


def _extended_colour(params: list[int], index: int) -> tuple[object, int]:
    """The colour of ``38;5;N`` / ``38;2;R;G;B`` at ``index``, and the index of its last part."""
    if params[index + 1] == 2:
        return tuple(params[index + 2 : index + 5]), index + 4
    return params[index + 2], index + 2
