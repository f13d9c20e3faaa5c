"""Find's word-level highlight: the matched text itself, inside an entry's widgets.

Every widget of an entry that shows text is a ``Static`` (a message, each block of a Markdown
answer, a code block's label, a tool's output); each one holding a match is given a copy of its
content with the matches styled, and its own content is kept beside it to be put back when the
query changes or find closes. Only the styles change, never the text, so no layout is needed. A
widget whose content was replaced since (a streamed answer, a tool's growing output) keeps its
new content: nothing stale is put back.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.content import Content
from textual.style import Style
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static
from textual.widgets._collapsible import CollapsibleTitle

_originals: WeakKeyDictionary[Static, tuple[VisualType, Content]] = WeakKeyDictionary()
"""Each highlighted widget's own content, and the highlighted copy it shows instead."""


def find_pattern(query: str) -> re.Pattern[str] | None:
    """What find highlights for ``query`` (ignoring case, as it counts); None for no query."""
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


def highlight_matches(entry: Widget, pattern: re.Pattern[str] | None, style: Style) -> None:
    """Show ``pattern``'s matches in ``entry``'s text widgets with ``style`` (None: none)."""
    for widget in _text_widgets(entry):
        restore(widget)
        if pattern is not None:
            _highlight(widget, pattern, style)


def widget_of_match(entry: Widget, pattern: re.Pattern[str], nth: int) -> Widget:
    """The text widget of ``entry`` that shows its ``nth`` match (counted widget by widget, as
    they are drawn), or the entry itself when none is drawn (a collapsed tool output)."""
    seen = 0
    for widget in _text_widgets(entry):
        if widget.outer_size.height <= 0:
            continue
        content = _as_content(widget.content)
        seen += len(pattern.findall(content.plain)) if content is not None else 0
        if seen > nth:
            return widget
    return entry


def restore(widget: Static) -> None:
    kept = _originals.pop(widget, None)
    if kept is not None and widget.content is kept[1]:
        widget.update(kept[0], layout=False)


def _highlight(widget: Static, pattern: re.Pattern[str], style: Style) -> None:
    own = widget.content
    content = _as_content(own)
    if content is None or pattern.search(content.plain) is None:
        return
    shown = content.highlight_regex(pattern, style=style)
    widget.update(shown, layout=False)
    _originals[widget] = (own, shown)


def _text_widgets(entry: Widget) -> list[Static]:
    candidates = [entry, *entry.query(Static)] if entry.children else [entry]
    return [w for w in candidates if isinstance(w, Static) and not isinstance(w, CollapsibleTitle)]


def _as_content(visual: VisualType) -> Content | None:
    if isinstance(visual, Content):
        return visual
    if isinstance(visual, Text):
        return Content.from_rich_text(visual)
    if isinstance(visual, str):
        return Content(visual)
    return None
