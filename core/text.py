"""Text shortened to one line, for a row of a list, a status line or an error message.

Two rules, each written once:

- ``one_line``: every run of whitespace, newlines included, becomes one space. For text whose
  every word matters: an error a server sent, a config value, a summary's title.
- ``first_line``: the first line with something on it. For a message, whose first line is its
  title: the session list, the sidebar, the fork dialog, ``lha threads``.

Both cut with ``shorten``, which marks a cut with one ellipsis character. A message with images
and no text reads ``IMAGE_PLACEHOLDER``, so no row is ever blank. Making text safe to print on a
terminal is another concern, with its own home: ``core.sanitize``.
"""

from __future__ import annotations

ELLIPSIS = "…"
IMAGE_PLACEHOLDER = "[image]"
"""What a message with images and no text shows where its first line would be."""


def shorten(text: str, limit: int) -> str:
    """``text`` when it fits in ``limit`` characters, else its start and ``ELLIPSIS``, so the
    reader knows something was cut."""
    if len(text) <= limit:
        return text
    if limit < 1:
        return ""
    return text[: limit - 1].rstrip() + ELLIPSIS


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` with each run of whitespace made one space, ends stripped; cut to ``limit``."""
    flat = " ".join(text.split())
    return flat if limit is None else shorten(flat, limit)


def first_line(text: str, limit: int | None = None) -> str:
    """The first line of ``text`` with something on it, stripped (``""`` when there is none);
    cut to ``limit``."""
    line = next((stripped for raw in text.splitlines() if (stripped := raw.strip())), "")
    return line if limit is None else shorten(line, limit)
