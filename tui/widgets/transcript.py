"""One thread's transcript: renders its events live and stays fast on thousands of entries.

All entries are kept as data; only a window of them is mounted as widgets. The window follows
the bottom while the user is there (anchored), grows upwards as the user scrolls to the top, and
Home/End jump to either end. That is how a 1,000-turn thread opens with its last message at once
and still scrolls to its first.

Every entry can take focus (a click, or the keys that move message by message); the keys that
act on "this message" (copy, jump to the previous or next user message) act on the focused one.
``reveal`` shows any entry, mounting its part of the thread when it is outside the window: find
and the outline jump through it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import VerticalScroll
from textual.message import Message
from textual.style import Style
from textual.widget import Widget

from core.tools.plan_format import PLAN_TOOL_NAME
from tui.transcript_model import Entry, entry_for_event
from tui.widgets.entries import (
    AssistantMessageView,
    EntryView,
    ReasoningView,
    ToolCallView,
    widget_for,
)
from tui.widgets.find_highlight import find_pattern, highlight_matches, widget_of_match

if TYPE_CHECKING:
    from core.protocol.events import EventMsg, ToolCallBegin, ToolCallEnd

FindMark = Literal["", "hit", "current"]

_WHAT_IS_COPIED = {
    "user": "your message",
    "assistant": "the answer",
    "reasoning": "the reasoning",
    "tool": "the tool output",
}

WINDOW = 16
"""Entries mounted when a thread opens or jumps."""
JUMP_WINDOW = 12
"""Entries mounted when find or a jump reaches an unmounted part (fewer than ``WINDOW``: what
is mounted is paid for before the match shows; scrolling loads more)."""
JUMP_CONTEXT = 3
"""Of those, entries before the one jumped to."""
BATCH = 30
"""Entries mounted at a time when scrolling past the window's edge."""
MAX_MOUNTED = 240
"""Beyond this many mounted entries, the far end of the window is unmounted."""


class Transcript(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("home", "jump_top", "Top", show=False, id="transcript.top"),
        Binding("end", "jump_bottom", "Bottom", show=False, id="transcript.bottom"),
        Binding("j", "focus_message(1)", "Next message", show=False, id="transcript.next"),
        Binding("k", "focus_message(-1)", "Previous message", show=False, id="transcript.previous"),
        Binding("]", "jump_user(1)", "Next user message", id="transcript.next_user"),
        Binding("[", "jump_user(-1)", "Previous user message", id="transcript.previous_user"),
        Binding("c", "copy_message", "Copy message", id="transcript.copy"),
        Binding("ctrl+f", "find", "Find", id="transcript.find"),
        Binding("n", "find_step(1)", "Next match", show=False, id="transcript.find_next"),
        Binding(
            "N,shift+n",
            "find_step(-1)",
            "Previous match",
            show=False,
            id="transcript.find_previous",
        ),
        Binding("g", "outline", "Outline", id="transcript.outline"),
        Binding("p", "parent", "Fork's parent", id="transcript.parent"),
    ]

    class FindRequested(Message):
        """Ctrl+F in the transcript: the app opens its find bar."""

    class FindStepped(Message):
        """n / N in the transcript: the find bar moves to the next or previous match."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class OutlineRequested(Message):
        """The outline key: the app shows the thread's user messages to jump to."""

    class ParentRequested(Message):
        """The parent key: the app opens the thread this fork was made from."""

    def __init__(self, *, id: str | None = None, entries: list[Entry] | None = None) -> None:
        """``entries`` are composed with the widget (their last ``WINDOW``): how ``lha resume``
        draws a thread in its very first frame; ``load`` shows entries in a mounted one."""
        super().__init__(id=id, classes="transcript")
        self.entries: list[Entry] = list(entries or [])
        self._start = max(0, len(self.entries) - WINDOW)
        self._end = len(self.entries)
        self._answer: AssistantMessageView | None = None
        self._answer_entry: Entry | None = None
        self._reasoning: ReasoningView | None = None
        self._reasoning_entry: Entry | None = None
        self._tools: dict[str, ToolCallView] = {}
        self._loading_edge = False
        self._found: set[int] = set()
        """Entries holding a match of the find bar's text, highlighted when mounted."""
        self._found_current: int | None = None
        self._found_pattern: re.Pattern[str] | None = None
        self._drawn_marks: dict[int, tuple[FindMark, re.Pattern[str] | None]] = {}
        """The mark and highlighted pattern drawn on each mounted entry's widget (absent:
        none)."""

    def compose(self) -> ComposeResult:
        yield from self._widgets(self._start, self._end)

    def _widgets(self, start: int, end: int) -> list[EntryView]:
        """The widgets of entries ``start:end``, unmarked: find marks them once they are
        mounted (``_mark_mounted``), when a Markdown answer's blocks exist to highlight in."""
        for index in range(start, end):
            self._drawn_marks.pop(index, None)
        return [widget_for(entry) for entry in self.entries[start:end]]

    def _mark_mounted(self) -> None:
        """Draw find's marks on every mounted entry (each only when it changed)."""
        for offset, child in enumerate(self.children):
            self._mark(child, self._start + offset)

    def find_mark(self, index: int) -> FindMark:
        """How find marks entry ``index``: "" (no match), "hit" or "current"."""
        if index == self._found_current:
            return "current"
        return "hit" if index in self._found else ""

    def _mark(self, widget: Widget, index: int) -> None:
        """Draw find's mark on an entry's widget, only when it changed: a tint on the entry
        (inline, not a CSS class, which would restyle a long answer's every block on each
        keystroke; not an outline, which adds an edge and so a layout) and the matched words
        highlighted inside it."""
        mark = self.find_mark(index)
        pattern = self._found_pattern if mark else None
        if self._drawn_marks.get(index, ("", None)) == (mark, pattern):
            return
        self._drawn_marks[index] = (mark, pattern)
        warning = Color.parse(self.app.current_theme.warning or "yellow")
        tint = {"": None, "hit": 0.06, "current": 0.18}[mark]
        widget.styles.background_tint = warning.with_alpha(tint) if tint else None
        words = Style(background=warning, foreground=Color(0, 0, 0), bold=mark == "current")
        highlight_matches(widget, pattern, words)

    def on_mount(self) -> None:
        if self.entries:
            self.anchor()

    # -- window ------------------------------------------------------------------------------

    @property
    def is_loading_edge(self) -> bool:
        """True while entries are being mounted at an edge of the window (or a jump settles)."""
        return self._loading_edge

    @property
    def mounted_range(self) -> tuple[int, int]:
        return self._start, self._end

    async def load(self, entries: list[Entry]) -> None:
        """Show a replayed history: only its last ``WINDOW`` entries are mounted."""
        self.entries = list(entries)
        await self._show_window(max(0, len(self.entries) - WINDOW), len(self.entries))
        self.anchor()

    def adopt_full_history(self, entries: list[Entry]) -> None:
        """Replace a partial history (the rollout's tail, shown first) with the whole one.

        The mounted widgets are the last ones of both, so only the bookkeeping moves: the
        window now ends at the end of the whole history.
        """
        mounted = self._end - self._start
        tail_end = self._end == len(self.entries)
        self.entries = list(entries)
        if tail_end:
            self._end = len(self.entries)
            self._start = max(0, self._end - mounted)

    async def _show_window(self, start: int, end: int) -> None:
        await self.remove_children()
        self._drawn_marks.clear()
        self._start, self._end = start, end
        self._answer = None
        self._reasoning = None
        self._tools.clear()
        if end > start:
            await self.mount_all(self._widgets(start, end))
            self._mark_mounted()

    async def action_jump_top(self) -> None:
        self.anchor(False)
        self._loading_edge = True  # the swap moves the scroll position: load nothing meanwhile
        if self._start > 0:
            await self._show_window(0, min(len(self.entries), WINDOW))
        self.scroll_home(animate=False)
        self.call_after_refresh(self._edge_settled)

    async def action_jump_bottom(self) -> None:
        self._loading_edge = True
        if self._end < len(self.entries):
            await self._show_window(max(0, len(self.entries) - WINDOW), len(self.entries))
        self.anchor()
        self.call_after_refresh(self._edge_settled)

    def _edge_settled(self) -> None:
        self._loading_edge = False

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._loading_edge or not self.is_mounted:
            return
        if new <= 0 and self._start > 0:
            self._loading_edge = True
            self.call_later(self._load_earlier)
        elif new >= self.max_scroll_y and self._end < len(self.entries):
            self._loading_edge = True
            self.call_later(self._load_later)

    async def _load_earlier(self) -> None:
        try:
            start = max(0, self._start - BATCH)
            batch = self._widgets(start, self._start)
            first = self.children[0] if self.children else None
            await self.mount_all(batch, before=first)
            self._start = start
            self._mark_mounted()
            await self._prune(from_top=False)
            self.call_after_refresh(self._keep_position, batch)
        finally:
            self._loading_edge = False

    def _keep_position(self, added: list[Widget]) -> None:
        height = sum(w.outer_size.height for w in added)
        self.scroll_to(y=self.scroll_y + height, animate=False)

    async def _load_later(self) -> None:
        try:
            end = min(len(self.entries), self._end + BATCH)
            await self.mount_all(self._widgets(self._end, end))
            self._end = end
            self._mark_mounted()
            await self._prune(from_top=True)
        finally:
            self._loading_edge = False

    async def _prune(self, *, from_top: bool) -> None:
        excess = len(self.children) - MAX_MOUNTED
        if excess <= 0:
            return
        children = list(self.children)
        victims = children[:excess] if from_top else children[-excess:]
        await self.remove_children(victims)
        first_gone = self._start if from_top else self._end - excess
        for index in range(first_gone, first_gone + excess):
            self._drawn_marks.pop(index, None)
        if from_top:
            self._start += excess
        else:
            self._end -= excess

    # -- one entry: reveal, focus, copy, jump -------------------------------------------------

    def view_at(self, index: int) -> Widget | None:
        """The mounted widget of entry ``index``, or None when it is outside the window."""
        if self._start <= index < self._end and index - self._start < len(self.children):
            return self.children[index - self._start]
        return None

    async def reveal(self, index: int, *, focus: bool = False) -> Widget | None:
        """Show entry ``index``: scrolled into view when it is mounted (not moved when it is on
        screen already: a scroll redraws the whole view), else at the top of its part of the
        thread, mounted first; focus it when asked."""
        if not 0 <= index < len(self.entries):
            return None
        self.anchor(False)
        mounted = self.view_at(index) is not None
        if not mounted:
            self._loading_edge = True  # the swap moves the scroll position: load nothing
            start = max(0, min(index - JUMP_CONTEXT, len(self.entries) - JUMP_WINDOW))
            await self._show_window(start, min(len(self.entries), start + JUMP_WINDOW))
            self.call_after_refresh(self._edge_settled)
        widget = self.view_at(index)
        if widget is None:
            return None
        if focus:
            widget.focus(scroll_visible=False)
        self.call_after_refresh(self.scroll_to_widget, widget, animate=False, top=not mounted)
        return widget

    async def reveal_match(self, index: int, nth: int) -> None:
        """Show find's current match, the ``nth`` in entry ``index``: its part of the thread is
        mounted when it is not, and the text widget holding it scrolled to only when it is not
        already on screen (a scroll redraws the whole view, a frame's worth of work)."""
        entry = self.view_at(index)
        if entry is None or self._found_pattern is None:
            await self.reveal(index)
            return
        target = widget_of_match(entry, self._found_pattern, nth)
        if not self._on_screen_fully(target):
            self.anchor(False)
            self.call_after_refresh(self.scroll_to_widget, target, animate=False)

    def _on_screen_fully(self, widget: Widget) -> bool:
        """Whether ``widget`` (an entry or a widget inside one) is wholly in the viewport, by
        the last layout's positions."""
        top, node = 0, widget
        while node is not self:
            parent = node.parent
            if not isinstance(parent, Widget):
                return False
            top += node.virtual_region.y + (parent.gutter.top if parent is not self else 0)
            node = parent
        height = widget.outer_size.height
        view = self.scrollable_content_region.height
        return height > 0 and self.scroll_y <= top and top + height <= self.scroll_y + view

    def index_in_view(self, *, whole: bool = False) -> int:
        """The entry the user is at: the focused one, else the first one on screen (with
        ``whole``, the first whose top is on screen, when one is: find starts there, so its
        first match is shown without a scroll)."""
        focused = self._entry_index_of(self.screen.focused)
        if focused is not None:
            return focused
        first, last = self._on_screen()
        if whole:
            top = self.scroll_y
            for index in range(first, last + 1):
                view = self.view_at(index)
                if view is not None and view.virtual_region.y >= top:
                    return index
        return first

    def _on_screen(self) -> tuple[int, int]:
        """The first and last entries on screen (approximately, before a layout)."""
        top, bottom = self.scroll_y, self.scroll_y + self.scrollable_content_region.height
        shown = [
            self._start + offset
            for offset, child in enumerate(self.children)
            if child.virtual_region.bottom > top and child.virtual_region.y < bottom
        ]
        last = max(0, self._end - 1)
        return (shown[0], shown[-1]) if shown else (last, last)

    def _entry_index_of(self, widget: Widget | None) -> int | None:
        node = widget
        while node is not None and node.parent is not self:
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        if node is None:
            return None
        return self._start + self.children.index(node)

    async def action_focus_message(self, delta: int) -> None:
        """Move focus to the next (1) or previous (-1) message."""
        focused = self._entry_index_of(self.screen.focused)
        index = self.index_in_view() if focused is None else focused + delta
        await self.reveal(max(0, min(index, len(self.entries) - 1)), focus=True)

    async def action_jump_user(self, delta: int) -> None:
        """Move to the next (1) or previous (-1) user message."""
        here = self._entry_index_of(self.screen.focused)
        if here is None:  # from the edge of what is on screen, so the nearest one counts
            first, last = self._on_screen()
            here = last + 1 if delta < 0 else first - 1
        indices = range(here + delta, len(self.entries) if delta > 0 else -1, delta)
        target = next((i for i in indices if self.entries[i].kind == "user"), None)
        if target is None:
            self.app.bell()
            return
        await self.reveal(target, focus=True)

    def action_copy_message(self) -> None:
        from tui.clipboard import copy_text

        index = self._entry_index_of(self.screen.focused)
        if index is None:
            self.notify("focus a message first (click it, or j / k)", timeout=2)
            return
        entry = self.entries[index]
        copy_text(self.app, entry.text, _WHAT_IS_COPIED.get(entry.kind, "the message"))

    def last_answer(self) -> str | None:
        """The Markdown source of the newest assistant answer, if any."""
        return next((e.text for e in reversed(self.entries) if e.kind == "assistant"), None)

    def action_find(self) -> None:
        self.post_message(self.FindRequested())

    def action_find_step(self, delta: int) -> None:
        self.post_message(self.FindStepped(delta))

    def action_outline(self) -> None:
        self.post_message(self.OutlineRequested())

    def action_parent(self) -> None:
        self.post_message(self.ParentRequested())

    def mark_found(self, entries: set[int], current: int | None, query: str = "") -> None:
        """Highlight the entries holding matches of ``query`` and the words matched in them,
        and the current match's entry more."""
        self._found, self._found_current = entries, current
        if self._found_pattern is None or self._found_pattern.pattern != re.escape(query):
            self._found_pattern = find_pattern(query)
        self._mark_mounted()

    # -- live events -------------------------------------------------------------------------

    @property
    def at_live_edge(self) -> bool:
        """True when the newest entry is mounted, so new ones should be mounted too."""
        return self._end == len(self.entries)

    async def add_entry(self, entry: Entry) -> EntryView | None:
        live = self.at_live_edge
        self.entries.append(entry)
        if not live:
            return None
        self._end += 1
        widget = self._widgets(self._end - 1, self._end)[0]
        await self.mount(widget)
        self._mark(widget, self._end - 1)
        await self._prune(from_top=True)
        return widget

    async def apply(self, msg: EventMsg) -> None:
        """Render one event of the thread (dispatched on its ``type`` tag, so this widget needs
        no protocol model at import time and a resumed transcript can be drawn before them)."""
        match msg.type:
            case "agent_message_delta":
                await self._answer_delta(msg.delta)
            case "agent_reasoning_delta":
                await self._reasoning_delta(msg.delta)
            case "agent_message":
                await self._finish_answer(msg.message)
            case "agent_reasoning":
                await self._finish_reasoning(msg.text)
            case "tool_call_begin" if msg.tool_name == PLAN_TOOL_NAME:
                pass  # shown when it ends, as a plan
            case "tool_call_end" if msg.tool_name == PLAN_TOOL_NAME:
                self._answer = self._answer_entry = None
                await self._add_entry_for(msg)
            case "tool_call_begin":
                await self._tool_begin(msg)
            case "tool_call_output_delta":
                view = self._tools.get(msg.call_id)
                if view is not None:
                    view.append_output(msg.chunk)
            case "tool_call_end":
                await self._tool_end(msg)
            case "warning" if msg.partial_output_discarded:
                await self._discard_partial()
                await self.add_entry(Entry("warning", msg.message))
            case "task_complete" | "turn_aborted":
                await self._discard_partial()
                await self._add_entry_for(msg)
            case _:
                await self._add_entry_for(msg)

    async def _add_entry_for(self, msg: EventMsg) -> None:
        entry = entry_for_event(msg)
        if entry is not None:
            await self.add_entry(entry)

    async def _answer_delta(self, delta: str) -> None:
        if self._reasoning is not None:
            self._reasoning.collapsed = True
        if self._answer_entry is None:
            self._answer_entry = Entry("assistant", "")
            view = await self.add_entry(self._answer_entry)
            self._answer = view if isinstance(view, AssistantMessageView) else None
        if self._answer is not None:
            await self._answer.append_delta(delta)
        else:
            self._answer_entry.text += delta

    async def _finish_answer(self, text: str) -> None:
        if self._answer is not None:
            await self._answer.finish(text)
        elif self._answer_entry is not None:
            self._answer_entry.text = text
        else:
            await self.add_entry(Entry("assistant", text))
        self._answer = self._answer_entry = None

    async def _reasoning_delta(self, delta: str) -> None:
        if self._reasoning_entry is None:
            self._reasoning_entry = Entry("reasoning", "")
            view = await self.add_entry(self._reasoning_entry)
            self._reasoning = view if isinstance(view, ReasoningView) else None
            if self._reasoning is not None:
                self._reasoning.collapsed = False
        if self._reasoning is not None:
            self._reasoning.append_delta(delta)
        else:
            self._reasoning_entry.text += delta

    async def _finish_reasoning(self, text: str) -> None:
        if self._reasoning is not None:
            self._reasoning.finish(text)
        elif self._reasoning_entry is not None:
            self._reasoning_entry.text = text
        else:
            await self.add_entry(Entry("reasoning", text))
        self._reasoning = self._reasoning_entry = None

    async def _tool_begin(self, msg: ToolCallBegin) -> None:
        self._answer = self._answer_entry = None
        entry = Entry(
            "tool",
            "",
            title=msg.tool_name,
            details={"call_id": msg.call_id, "arguments": msg.arguments, "running": "1"},
        )
        view = await self.add_entry(entry)
        if isinstance(view, ToolCallView):
            self._tools[msg.call_id] = view

    async def _tool_end(self, msg: ToolCallEnd) -> None:
        view = self._tools.pop(msg.call_id, None)
        entry = Entry(
            "tool",
            msg.output,
            title=msg.tool_name,
            success=msg.success,
            details={"call_id": msg.call_id},
        )
        if msg.arguments is not None:
            entry.details["arguments"] = msg.arguments
        if view is not None:
            entry.details["arguments"] = view.entry.details.get("arguments", "")
            view.finish(entry)
            return
        for existing in reversed(self.entries):
            if existing.kind == "tool" and existing.details.get("call_id") == msg.call_id:
                existing.text, existing.success = msg.output, msg.success
                existing.details.pop("running", None)
                return
        await self.add_entry(entry)

    async def _discard_partial(self) -> None:
        """Drop a half-streamed answer that will never complete (retry, abort)."""
        entry, view = self._answer_entry, self._answer
        self._answer = self._answer_entry = None
        self._reasoning = self._reasoning_entry = None
        if entry is None:
            return
        if entry in self.entries:
            index = self.entries.index(entry)
            del self.entries[index]
            if index < self._end:
                self._end -= 1
        if view is not None:
            await view.remove()
