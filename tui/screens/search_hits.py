"""The search screen's hit list: two lines a hit and a rule under each, drawn line by line.

Why not an ``OptionList``: for 20 hits it built every option's ``Content``, measured each one's
height and rendered the visible ones through the generic visual pipeline: about 5 ms when the
hits arrived and 6 ms more in the paint after, a fifth of the keystroke-to-screen budget
(``tests/bench/bench_tui_search.py``). Here every hit is exactly two lines (the list does not
wrap), so the list's height is known without measuring; a hit is formatted only when it is
drawn, its lines are cut to the width directly and kept until the hits, the width or the theme
change; and a new set of hits repaints this widget alone (its virtual size changes without a
layout of the screen, and its scrollbar is always there: one that comes and goes is a layout
too). It looks as the option list did: same padding, highlight, rule and scrollbar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions

from core.sanitize import terminal_line
from core.text import ELLIPSIS, first_line, shorten

if TYPE_CHECKING:
    from core.index.search import SearchHit
    from core.index.snippet import Snippet

SHORT_ID_CHARS = 13
"""A thread id up to its millisecond timestamp, as the status line and the thread list show it
(``ThreadId.short``), so a session and its fork look different."""
LINES_PER_HIT = 3
"""The head line, the snippet line and the rule under them."""
_LABEL_CHARS = 48
_PAD = 1
"""Blank cells left and right of a hit's text."""
_MATCH_STYLE = "bold underline $text-warning"
_ROLE_WORDS = {"user": "you", "assistant": "answer", "tool": "tool output", "name": "name"}


Piece = tuple[str, str]
"""Text (one harmless line) and the style it is drawn in ("" for the line's own)."""


def snippet_pieces(snippet: Snippet) -> list[Piece]:
    """The snippet with its matches highlighted; each piece made safe on its own, so the
    highlight positions stay right even where neutralising lengthens the text."""
    pieces: list[Piece] = []
    last = 0
    for start, end in snippet.highlights:
        pieces += [(snippet.text[last:start], ""), (snippet.text[start:end], _MATCH_STYLE)]
        last = end
    pieces.append((snippet.text[last:], ""))
    return [(terminal_line(text), style) for text, style in pieces if text]


def hit_lines(hit: SearchHit, name: str | None) -> tuple[list[Piece], list[Piece]]:
    """A hit's two lines: the session's name (or first message), short id, date, message and
    role; then the snippet with the match highlighted."""
    label = shorten(first_line(name or hit.preview) or "(no message)", _LABEL_CHARS)
    when = hit.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    where = "" if hit.role == "name" else f"#{hit.turn + 1} "
    head = [
        (terminal_line(label), "bold"),
        ("  ", ""),
        (hit.thread_id[:SHORT_ID_CHARS], "$text-accent"),
        ("  ", ""),
        (when, "$foreground-muted"),
        ("  ", ""),
        (f"{where}{_ROLE_WORDS.get(hit.role, hit.role)}", "$text-secondary"),
    ]
    return head, [("  ", ""), *snippet_pieces(hit.snippet)]


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _cut(pieces: list[Piece], width: int) -> list[Piece]:
    """``pieces`` cut to ``width`` cells, the last one kept ending in an ellipsis, as Textual
    cuts a line with ``text-overflow: ellipsis`` (the ellipsis in the style of the text it
    replaces)."""
    if sum(_cells(text) for text, _ in pieces) <= width:
        return pieces
    if width <= 0:
        return []
    kept: list[Piece] = []
    room = width - 1
    for text, style in pieces:
        cells = _cells(text)
        if cells > room:
            head = text[:room] if text.isascii() else set_cell_size(text, room)
            kept.append((head + ELLIPSIS, style))
            break
        kept.append((text, style))
        room -= cells
    return kept


class HitList(ScrollView, can_focus=False):
    """The hits, best first, one highlighted; driven from the screen's query input (it never
    takes the focus): ``show_hits``/``show_text`` fill it, ``move``/``page`` move the highlight,
    a click posts ``Clicked``."""

    DEFAULT_CSS = """
    HitList {
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .hit-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .hit-list--hover {
            background: $block-hover-background;
        }
        & > .hit-list--rule {
            color: $foreground 15%;
        }
        & > .hit-list--text {
            color: $text-disabled;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "hit-list--hit",
        "hit-list--highlighted",
        "hit-list--hover",
        "hit-list--rule",
        "hit-list--text",
    }

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)
    """Its height is fixed by the screen: a new scrollable height needs a repaint, not a
    layout of the whole screen (Textual's default)."""

    class Clicked(Message):
        """A hit was clicked: open it."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hits: Sequence[SearchHit] = ()
        self._names: dict[str, str] = {}
        self._text: Content | None = None
        self._highlighted: int | None = None
        self._hover: int | None = None
        self._strips: dict[tuple[int, str], tuple[Strip, Strip]] = {}
        """Each drawn hit's two lines by (index, component class), for this width and theme."""
        self._styles: dict[str, Style] = {}
        self._piece_styles: dict[str, RichStyle] = {}
        self._after_paint: list[Callable[[], None]] = []

    # -- what it shows -------------------------------------------------------------------------

    def show_hits(self, hits: Sequence[SearchHit], names: dict[str, str]) -> None:
        """Show ``hits`` (``names``: session names by thread id), the first highlighted."""
        self._hits, self._names, self._text = hits, names, None
        self._reset(LINES_PER_HIT * len(hits) - 1 if hits else 0, 0 if hits else None)

    def show_text(self, text: Content) -> None:
        """Show one line of text instead of hits (nothing to search for, no match)."""
        self._hits, self._names, self._text = (), {}, text
        self._reset(1, None)

    def _reset(self, height: int, highlighted: int | None) -> None:
        self._strips.clear()
        self._highlighted = highlighted
        self._hover = None
        self.virtual_size = Size(self.scrollable_content_region.width, height)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def after_paint(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the list has been drawn with what it holds now: for what
        should not delay the hits' paint (Textual's ``call_after_refresh`` alone runs it before
        the paint when the list's repaint has not reached the screen yet)."""
        self._after_paint.append(callback)

    @property
    def text(self) -> str:
        """The line shown instead of hits, or ``""``."""
        return "" if self._text is None else self._text.plain

    @property
    def highlighted(self) -> int | None:
        """The highlighted hit's index, None when there is no hit."""
        return self._highlighted

    def hit_text(self, index: int) -> str:
        """Hit ``index``'s two lines as plain text (as a user reads them, before any cut)."""
        hit = self._hits[index]
        lines = hit_lines(hit, self._names.get(hit.thread_id))
        return "\n".join("".join(text for text, _ in line) for line in lines)

    # -- moving --------------------------------------------------------------------------------

    def move(self, step: int) -> None:
        """Move the highlight ``step`` hits down (up when negative), staying on the list."""
        if self._highlighted is not None:
            self._highlight(max(0, min(len(self._hits) - 1, self._highlighted + step)))

    def page(self, direction: int) -> None:
        """Move the highlight by as many hits as fit on screen."""
        per_page = max(1, self.scrollable_content_region.height // LINES_PER_HIT)
        self.move(direction * per_page)

    def _highlight(self, index: int) -> None:
        previous, self._highlighted = self._highlighted, index
        for changed in {previous, index} - {None}:
            assert changed is not None
            self.refresh_lines(LINES_PER_HIT * changed, 2)
        self.scroll_to_region(
            Region(0, LINES_PER_HIT * index, self.scrollable_content_region.width, 2),
            animate=False,
            force=True,
            immediate=True,
        )

    # -- the mouse -----------------------------------------------------------------------------

    def _hit_at(self, y: int) -> int | None:
        index, row = divmod(int(self.scroll_offset.y) + y, LINES_PER_HIT)
        return index if row < 2 and 0 <= index < len(self._hits) else None

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._hit_at(event.y))

    def _on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, index: int | None) -> None:
        previous, self._hover = self._hover, index
        if previous != index:
            for changed in {previous, index} - {None}:
                assert changed is not None
                self.refresh_lines(LINES_PER_HIT * changed, 2)

    async def _on_click(self, event: events.Click) -> None:
        index = self._hit_at(event.y)
        if index is not None:
            self._highlight(index)
            self.post_message(self.Clicked(index))

    # -- drawing -------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._piece_styles.clear()
        self._strips.clear()

    def _on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, self.virtual_size.height)

    def _style(self, component: str) -> Style:
        style = self._styles.get(component)
        if style is None:
            names = dict.fromkeys(("hit-list--hit", component))
            style = self._styles[component] = self.get_visual_style(*names)
        return style

    def render_line(self, y: int) -> Strip:
        if self._after_paint:
            for callback in self._after_paint:
                self.call_after_refresh(callback)
            self._after_paint.clear()
        width = self.scrollable_content_region.width
        line = int(self.scroll_offset.y) + y
        if self._text is not None:
            if line == 0:
                return self._strip(self._text, width, self._style("hit-list--text"))
            return Strip.blank(width, self._style("hit-list--hit").rich_style)
        index, row = divmod(line, LINES_PER_HIT)
        if index >= len(self._hits):
            return Strip.blank(width, self._style("hit-list--hit").rich_style)
        if row == 2:
            rule = self._style("hit-list--rule")
            return Strip([Segment("─" * width, rule.rich_style)], width)
        return self._hit_strips(index, width)[row]

    def _hit_strips(self, index: int, width: int) -> tuple[Strip, Strip]:
        component = (
            "hit-list--highlighted"
            if index == self._highlighted
            else "hit-list--hover"
            if index == self._hover
            else "hit-list--hit"
        )
        strips = self._strips.get((index, component))
        if strips is None:
            hit = self._hits[index]
            head, snippet = hit_lines(hit, self._names.get(hit.thread_id))
            strips = (self._line(head, width, component), self._line(snippet, width, component))
            self._strips[(index, component)] = strips
        return strips

    def _line(self, pieces: list[Piece], width: int, component: str) -> Strip:
        """One line of a hit, padded, cut to ``width`` with an ellipsis; each piece's style
        is resolved once per theme (Textual's Content, per line, took 0.3 ms a hit)."""
        base = self._style(component).rich_style
        segments = [Segment(" " * _PAD, base)]
        for text, style in _cut(pieces, max(0, width - 2 * _PAD)):
            segments.append(Segment(text, self._piece_style(component, style) if style else base))
        strip = Strip(segments)
        return strip.extend_cell_length(width, base)

    def _piece_style(self, component: str, style: str) -> RichStyle:
        key = f"{component} {style}"
        rich = self._piece_styles.get(key)
        if rich is None:
            rich = self._piece_styles[key] = (
                self._style(component) + self._get_style(style)
            ).rich_style
        return rich

    def _strip(self, content: Content, width: int, style: Style) -> Strip:
        """One line of ``content`` on ``style``, padded, cut to ``width`` with an ellipsis."""
        inner = max(0, width - 2 * _PAD)
        options = RenderOptions(self._get_style, cast(RulesMap, self.styles))
        strips = content.render_strips(inner, 1, style, options) or [Strip.blank(0)]
        return strips[0].crop_pad(inner, _PAD, _PAD, style.rich_style)
