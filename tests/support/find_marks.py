"""What find drew on an entry's widget: the words it highlighted inside it."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Static


def highlighted_words(widget: Widget) -> list[str]:
    """The texts find highlighted in ``widget`` and its text widgets: their spans with a
    background (an entry's own text has none)."""
    found: list[str] = []
    for text_widget in [widget, *widget.query(Static)]:
        content = text_widget.content if isinstance(text_widget, Static) else None
        if isinstance(content, Content):
            found += [
                content.plain[span.start : span.end]
                for span in content.spans
                if isinstance(span.style, Style) and span.style.background is not None
            ]
    return found
