"""lha's first frame, painted with plain ANSI escapes before Textual has loaded.

Importing Textual and drawing its first frame takes about as long as the Codex CLI takes to
show its prompt, so plain ``lha`` paints that frame itself first: right after Python starts it
reads the first page of past sessions (``tui.first_page``, json only) and writes the screen
Textual is about to draw, on the alternate screen, cell for cell: the sidebar with the same rows
(their text comes from ``tui.thread_rows``, as the sidebar's does), the welcome text, the
composer, the status line. Textual then enters the alternate screen it is already on and
repaints the same cells, so nothing blanks in between. Keys typed meanwhile wait in the
terminal's input buffer for Textual, whose composer has the focus before it handles them.
The app takes the page that was painted (``take_painted_page``) instead of reading it again,
so both show the same sessions.

Only for plain ``lha`` on a terminal (stdin, stdout and stderr all ttys) with 256 colours or
more, the default theme, and room for the layout; anything else starts as before. If lha ends
before Textual takes the screen over, the terminal is given back as it was (``atexit``).
"""

from __future__ import annotations

import atexit
import os
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.session_folders import rows_of_folder
from tui.status_text import StatusInfo, status_text
from tui.thread_rows import FIRST_FRAME_CHROME, PAST_PAGE_SIZE, RowsPage, ThreadRow, row_lines
from tui.ui_settings import UiSettings

SCREEN_FD = 2
"""Textual draws on stderr (so that stdout stays free for a program's output): so do we."""
MIN_SIZE = (100, 20)
"""Smaller terminals start without the pre-painted frame."""
DEFAULT_THEME = "textual-dark"
SIDEBAR_WIDTH = 34
"""``#sidebar`` in app.tcss: 34 columns, at most 30% of the screen, its right border included."""
COMPOSER_PLACEHOLDER = "Ask anything · / for commands · Enter to send · Ctrl+J new line"
FILTER_PLACEHOLDER = "filter threads"

# The default theme's colours as Textual draws them: (RGB, the nearest of 256 colours).
Colour = tuple[tuple[int, int, int], int]
BACKGROUND: Colour = ((18, 18, 18), 233)
SURFACE: Colour = ((30, 30, 30), 234)
BOOST: Colour = ((38, 38, 38), 235)
PANEL: Colour = ((36, 47, 56), 17)
PLACEHOLDER: Colour = ((120, 120, 120), 243)
MUTED: Colour = ((165, 165, 165), 247)
WELCOME: Colour = ((160, 160, 160), 247)
TEXT: Colour = ((224, 224, 224), 253)
DIM: Colour = ((158, 158, 158), 246)
HIGHLIGHT: Colour = ((21, 57, 84), 23)
DIM_HIGHLIGHTED: Colour = ((154, 167, 176), 247)
PRIMARY: Colour = ((1, 120, 212), 32)
STYLE_COLOURS: dict[str, Colour] = {
    "": TEXT,
    "dim": DIM,
    "green": ((152, 224, 36), 112),
    "yellow": ((255, 166, 43), 214),
    "bold cyan": ((0, 205, 205), 44),
}
"""The row styles of ``tui.thread_rows`` in the default theme."""

_painted_page: RowsPage | None = None
_screen_ours = False
"""The alternate screen holds our frame and Textual has not taken it over yet."""


@dataclass(frozen=True)
class Span:
    text: str
    fg: Colour
    bg: Colour
    bold: bool = False


Line = list[Span]


def take_painted_page() -> RowsPage | None:
    """The page of past sessions the pre-painted frame showed (once), for the sidebar."""
    global _painted_page
    page, _painted_page = _painted_page, None
    return page


def handed_over() -> None:
    """Textual owns the screen now: nothing to give back at exit."""
    global _screen_ours
    _screen_ours = False


def prepaint_first_frame(settings: UiSettings, extra_roots: Sequence[Path]) -> bool:
    """Paint the first frame on the terminal when lha may (see the module docstring)."""
    global _painted_page, _screen_ours
    truecolor = _colour_support()
    size = _terminal_size()
    if truecolor is None or size is None or settings.theme not in (None, DEFAULT_THEME):
        return False
    from tui.first_page import read_first_page

    page = read_first_page(settings.lha_home, PAST_PAGE_SIZE, extra_roots)
    status = status_text(
        StatusInfo(settings.model or "default model", settings.provider, cwd=settings.cwd)
    )
    here = rows_of_folder(page.rows, settings.cwd).here  # as the sidebar shows
    frame = render_frame(size, here, status, datetime.now(UTC))
    _painted_page = page
    _screen_ours = True
    atexit.register(_give_screen_back)
    escapes = encode_frame(frame, truecolor=truecolor, cursor=composer_cell(size))
    os.write(SCREEN_FD, escapes.encode())
    return True


def _colour_support() -> bool | None:
    """True for 24-bit colour, False for 256 colours, None to skip (as Textual would pick)."""
    streams = (sys.__stdin__, sys.__stdout__, sys.__stderr__)
    if not all(stream is not None and stream.isatty() for stream in streams):
        return None
    env = os.environ
    if "NO_COLOR" in env or "TEXTUAL_THEME" in env or "TEXTUAL_COLOR_SYSTEM" in env:
        return None
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return True
    return False if "256" in env.get("TERM", "") else None


def _terminal_size() -> tuple[int, int] | None:
    try:
        width, height = os.get_terminal_size(SCREEN_FD)
    except (OSError, AttributeError, ValueError):
        return None
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        return None
    return width, height


def _give_screen_back() -> None:
    if _screen_ours:
        os.write(SCREEN_FD, b"\x1b[0m\x1b[?25h\x1b[?1049l")


# -- the frame ---------------------------------------------------------------------------------


def render_frame(
    size: tuple[int, int], rows: Sequence[ThreadRow], status: str, now: datetime
) -> list[Line]:
    """The screen Textual's first frame shows for plain ``lha``, line by line."""
    width, height = size
    side = min(SIDEBAR_WIDTH, width * 3 // 10)
    body = height - 1  # the footer is the last line
    sidebar = _sidebar(side - 1, body, rows, height, now)
    conversation = _conversation(width - side, body, status)
    border = Span("▕", PANEL, SURFACE)
    lines = [[*left, border, *right] for left, right in zip(sidebar, conversation, strict=True)]
    return [*lines, [Span(" " * width, PANEL, PANEL)]]


def _sidebar(
    width: int, height: int, rows: Sequence[ThreadRow], screen_height: int, now: datetime
) -> list[Line]:
    filter_line = [
        Span(" ", TEXT, SURFACE),
        Span(_fit("  " + FILTER_PLACEHOLDER, width - 2), PLACEHOLDER, BOOST),
        Span(" ", TEXT, SURFACE),
    ]
    lines = [filter_line, _blank(width), _header("LIVE", width)]
    lines += [_blank(width), _header("PAST SESSIONS", width)]
    fit = max(1, (screen_height - FIRST_FRAME_CHROME) // 2)
    for index, row in enumerate(rows[:fit]):
        title, details = row_lines(row, now)
        background = HIGHLIGHT if index == 0 else SURFACE
        lines += [_row_line(title, width, background), _row_line(details, width, background)]
    lines += [_blank(width) for _ in range(height - len(lines))]
    return lines[:height]


def _header(title: str, width: int) -> Line:
    return [Span(" ", TEXT, SURFACE), Span(_fit(title, width - 1), MUTED, SURFACE, bold=True)]


def _row_line(segments: Sequence[tuple[str, str]], width: int, background: Colour) -> Line:
    """One line of a row: padded by one cell, the list's scrollbar gutter (2 cells) after it."""
    room = width - 4
    line: Line = [Span(" ", TEXT, background)]
    for text, style in segments:
        text = _clip(text, room)
        room -= _cells(text)
        colour = STYLE_COLOURS.get(style, TEXT)
        if style == "dim" and background is HIGHLIGHT:
            colour = DIM_HIGHLIGHTED
        line.append(Span(text, colour, background))
    line.append(Span(" " * (room + 1), TEXT, background))
    return [*line, Span("  ", TEXT, SURFACE)]


def _conversation(width: int, height: int, status: str) -> list[Line]:
    from tui.welcome import EMPTY_STATE

    area = height - 4  # the composer (3 lines) and the status line
    text = [line for part in EMPTY_STATE.split("\n") for line in _wrap(part, width - 2)]
    top = max(0, (area - len(text)) // 2)
    lines = [_blank(width, BACKGROUND) for _ in range(area)]
    for offset, part in enumerate(text[: area - top]):
        left = (width - 2 - _cells(part)) // 2
        lines[top + offset] = [
            Span(" " * left, WELCOME, BACKGROUND),
            Span(_fit(part, width - left), WELCOME, BACKGROUND),
        ]
    box = width - 2
    edge = Span(" ", TEXT, BACKGROUND)
    placeholder = _fit(COMPOSER_PLACEHOLDER, box - 4)
    lines += [
        [edge, Span("╭" + "─" * (box - 2) + "╮", PRIMARY, SURFACE), edge],
        [
            edge,
            Span("│ ", PRIMARY, SURFACE),
            Span(placeholder[0], BACKGROUND, TEXT),
            Span(placeholder[1:], PLACEHOLDER, SURFACE),
            Span(" │", PRIMARY, SURFACE),
            edge,
        ],
        [edge, Span("╰" + "─" * (box - 2) + "╯", PRIMARY, SURFACE), edge],
        [Span("  " + _fit(_ellipsis(status, width - 4), width - 2), MUTED, SURFACE)],
    ]
    return lines


def _blank(width: int, background: Colour = SURFACE) -> Line:
    return [Span(" " * width, TEXT, background)]


def _wrap(text: str, width: int) -> list[str]:
    """Words to lines of at most ``width`` cells, as Textual wraps the welcome text."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and _cells(candidate) > width:
            lines.append(current)
            candidate = word
        current = candidate
    return [*lines, current]


# -- cells -------------------------------------------------------------------------------------


def _cells(text: str) -> int:
    return sum(_char_cells(char) for char in text)


def _char_cells(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells (as a row is clipped at the sidebar's edge)."""
    if _cells(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += _char_cells(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept)


def _fit(text: str, width: int) -> str:
    """``text`` clipped or padded with spaces to exactly ``width`` cells."""
    text = _clip(text, width)
    return text + " " * (width - _cells(text))


def _ellipsis(text: str, width: int) -> str:
    return text if _cells(text) <= width else _clip(text, width - 1) + "…"


# -- escapes -----------------------------------------------------------------------------------


def composer_cell(size: tuple[int, int]) -> tuple[int, int]:
    """Where the composer's cursor is (line, column, from 0)."""
    width, height = size
    return height - 4, min(SIDEBAR_WIDTH, width * 3 // 10) + 3


def encode_frame(lines: Sequence[Line], *, truecolor: bool, cursor: tuple[int, int]) -> str:
    """The escapes that show ``lines`` on the alternate screen, cursor hidden, in one
    synchronized update (terminals without it draw as it comes). The hidden cursor is left in
    the composer: a key the terminal echoes before Textual has turned echo off lands there, not
    at the screen's last cell, where it would scroll the frame up a line."""
    out = ["\x1b[?2026h\x1b[?1049h\x1b[?25l"]
    for number, line in enumerate(lines, start=1):
        out.append(f"\x1b[{number};1H")
        out.extend(_sgr(span, truecolor) + span.text for span in line)
        out.append("\x1b[0m")
    out.append(f"\x1b[{cursor[0] + 1};{cursor[1] + 1}H\x1b[?2026l")
    return "".join(out)


def _sgr(span: Span, truecolor: bool) -> str:
    bold = "1" if span.bold else "22"
    return f"\x1b[{bold};{_colour(38, span.fg, truecolor)};{_colour(48, span.bg, truecolor)}m"


def _colour(base: int, colour: Colour, truecolor: bool) -> str:
    (red, green, blue), index = colour
    return f"{base};2;{red};{green};{blue}" if truecolor else f"{base};5;{index}"
