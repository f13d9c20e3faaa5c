"""Turning model and tool text into Textual ``Content`` without ever reading it as markup.

Model slugs, descriptions, commands and user messages come from servers, models and tools. A
``"[bold]"`` in them must show as those characters, and an ``ESC [2J`` must not reach the
terminal: every string the modal screens display goes through ``safe_content`` first.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from core.sanitize import neutralize_terminal_escapes


def safe_content(text: str, style: str = "") -> Content:
    """``text`` as literal Content (escapes neutralised), optionally in one style."""
    clean = neutralize_terminal_escapes(text)
    return Content.styled(clean, style) if style else Content(clean)


def highlight_positions(content: Content, positions: Iterable[int], style: str) -> Content:
    """``content`` with ``style`` on each character at ``positions`` (fuzzy-match highlights).

    Match against the *neutralised* text (``neutralize_terminal_escapes``), since neutralising can
    lengthen it, so the positions point at the characters shown.
    """
    for position in positions:
        content = content.stylize(style, position, position + 1)
    return content
