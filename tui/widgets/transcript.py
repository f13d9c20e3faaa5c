"""One thread's transcript: renders its events live and stays fast on thousands of entries.

All entries are kept as data; only a window of them is mounted as widgets. The window follows
the bottom while the user is there (anchored), grows upwards as the user scrolls to the top, and
Home/End jump to either end. That is how a 1,000-turn thread opens with its last message at once
and still scrolls to its first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget

from tui.transcript_model import Entry, entry_for_event
from tui.widgets.entries import (
    AssistantMessageView,
    EntryView,
    ReasoningView,
    ToolCallView,
    widget_for,
)

if TYPE_CHECKING:
    from core.protocol.events import EventMsg, ToolCallBegin, ToolCallEnd

WINDOW = 16
"""Entries mounted when a thread opens or jumps."""
BATCH = 30
"""Entries mounted at a time when scrolling past the window's edge."""
MAX_MOUNTED = 240
"""Beyond this many mounted entries, the far end of the window is unmounted."""


class Transcript(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("home", "jump_top", "Top", show=False, id="transcript.top"),
        Binding("end", "jump_bottom", "Bottom", show=False, id="transcript.bottom"),
    ]

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

    def compose(self) -> ComposeResult:
        for entry in self.entries[self._start : self._end]:
            yield widget_for(entry)

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
        self._start, self._end = start, end
        self._answer = None
        self._reasoning = None
        self._tools.clear()
        if end > start:
            await self.mount_all([widget_for(e) for e in self.entries[start:end]])

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
            batch = [widget_for(e) for e in self.entries[start : self._start]]
            first = self.children[0] if self.children else None
            await self.mount_all(batch, before=first)
            self._start = start
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
            await self.mount_all([widget_for(e) for e in self.entries[self._end : end]])
            self._end = end
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
        if from_top:
            self._start += excess
        else:
            self._end -= excess

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
        widget = widget_for(entry)
        await self.mount(widget)
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
