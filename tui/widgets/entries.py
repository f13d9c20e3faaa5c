"""The blocks of a transcript: user and assistant messages, reasoning, tool calls, notices.

Model and tool text is shown as text: terminal escapes are neutralised and nothing is parsed as
Rich markup (assistant Markdown is rendered by Textual's Markdown widget, which never interprets
console markup).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Collapsible, Markdown, Static
from textual.widgets.markdown import MarkdownBlock, MarkdownFence, MarkdownStream

from core.sanitize import neutralize_terminal_escapes
from core.text import shorten
from core.tools.plan_format import STATUS_MARKS, plan_of_output
from tui.transcript_model import Entry

TOOL_OUTPUT_PREVIEW_CHARS = 1500


def safe(text: str) -> str:
    return neutralize_terminal_escapes(text)


class UserMessageView(Static, can_focus=True):
    """What the user typed, numbered like the fork dialog numbers it."""

    def __init__(self, entry: Entry) -> None:
        super().__init__(Text(safe(entry.text)), classes="entry user")
        self.entry = entry


_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S", re.MULTILINE)


def changes_earlier_blocks(markdown: str) -> bool:
    """True when text may change how earlier blocks render (a ``[ref]: url`` definition)."""
    return _LINK_DEFINITION.search(markdown) is not None


def markdown_parser() -> MarkdownIt:
    """GitHub-flavoured Markdown without linkify: its URL scan re-runs over the growing last
    block on every streamed append and was a third of the cost of a long answer."""
    return MarkdownIt("gfm-like").disable("linkify")


class CodeBlockView(MarkdownFence, can_focus=True):
    """A code block of an answer: focused (Tab, a click), a key copies just its code."""

    BINDINGS = [Binding("c", "copy_code", "Copy code block", id="code_block.copy")]

    def action_copy_code(self) -> None:
        from tui.clipboard import copy_text

        copy_text(self.app, self.code, "the code block")


class AssistantMessageView(Markdown, can_focus=True):
    """An assistant answer, streamed through ``Markdown.get_stream`` and rendered once more at
    the end, so a half-open code fence left by streaming is drawn right."""

    BLOCKS: dict[str, type[MarkdownBlock]] = {
        **Markdown.BLOCKS,
        "fence": CodeBlockView,
        "code_block": CodeBlockView,
    }

    def __init__(self, entry: Entry) -> None:
        super().__init__(
            safe(entry.text), classes="entry assistant", parser_factory=markdown_parser
        )
        self.entry = entry
        self._stream: MarkdownStream | None = None

    async def append_delta(self, delta: str) -> None:
        self.entry.text += delta
        if self._stream is None:
            self._stream = Markdown.get_stream(self)
        await self._stream.write(safe(delta))

    async def finish(self, text: str) -> None:
        """Close the stream and show the complete message.

        Streaming re-parses from the last top-level block on every append, so once the stream
        shows exactly this text the rendering is already that of the whole text, and re-parsing
        a long answer again is skipped. The exception is Markdown that changes blocks already
        drawn (a link reference definition), which gets one full render.
        """
        streamed = self._stream is not None
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.entry.text = text
        source = safe(text)
        if not streamed or self.source != source or changes_earlier_blocks(source):
            await self.update(source)


class ReasoningView(Collapsible, can_focus=True):
    """The model's reasoning, collapsed once the answer starts."""

    def __init__(self, entry: Entry, *, collapsed: bool = True) -> None:
        self.entry = entry
        self._body = Static(Text(safe(entry.text)), classes="reasoning-body")
        super().__init__(
            self._body, title="thinking", collapsed=collapsed, classes="entry reasoning"
        )

    def append_delta(self, delta: str) -> None:
        self.entry.text += delta
        self._body.update(Text(safe(self.entry.text)))

    def finish(self, text: str) -> None:
        self.entry.text = text
        self._body.update(Text(safe(text)))


def tool_title(entry: Entry) -> str:
    status = "✓" if entry.success else "✗"
    if entry.details.get("running") == "1":
        status = "…"
    arguments = entry.details.get("arguments", "")
    arguments = shorten(arguments, 60)
    return safe(f"{status} {entry.title} {arguments}".rstrip())


class ToolCallView(Collapsible, can_focus=True):
    """A tool call with its output; long output is cut, with a key to show all of it."""

    BINDINGS = [Binding("o", "show_all", "Show all output", id="tool.show_all")]

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self._output = Static(self._output_text(full=False), classes="tool-output")
        super().__init__(
            self._output, title=tool_title(entry), collapsed=True, classes="entry tool"
        )
        self.set_class(not entry.success, "failed")

    def _output_text(self, *, full: bool) -> Text:
        text = safe(self.entry.text)
        if full or len(text) <= TOOL_OUTPUT_PREVIEW_CHARS:
            return Text(text)
        hidden = len(text) - TOOL_OUTPUT_PREVIEW_CHARS
        shown = Text(text[:TOOL_OUTPUT_PREVIEW_CHARS])
        shown.append(f"\n… {hidden} more characters (press o to show all)", style="dim italic")
        return shown

    def append_output(self, chunk: str) -> None:
        self.entry.text += chunk
        self._output.update(self._output_text(full=False))

    def finish(self, entry: Entry) -> None:
        """Show the call's end. The entry is updated in place: it is also the transcript's,
        which find and copy read."""
        self.entry.text, self.entry.success = entry.text, entry.success
        self.entry.details.pop("running", None)
        self.title = tool_title(self.entry)
        self.set_class(not entry.success, "failed")
        self._output.update(self._output_text(full=False))

    def action_show_all(self) -> None:
        self._output.update(self._output_text(full=True))


class PlanView(Static, can_focus=True):
    """The model's plan (an ``update_plan`` call) as a small checklist: done steps dimmed, the
    step in progress bold."""

    STEP_STYLES = {"completed": "dim", "in_progress": "bold", "pending": ""}

    def __init__(self, entry: Entry) -> None:
        text = Text("plan", style="bold")
        for step in plan_of_output(entry.text):
            mark = STATUS_MARKS[step.status]
            text.append(f"\n{mark} {safe(step.step)}", style=self.STEP_STYLES[step.status])
        super().__init__(text, classes="entry plan")
        self.entry = entry


class CompactionView(Collapsible):
    """Where the history was replaced by a summary: the summary, collapsed (the messages above
    stay in the thread and in forks; the model now sees the summary instead)."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        body = Static(Text(safe(entry.text)), classes="compaction-body")
        super().__init__(body, title=safe(entry.title), collapsed=True, classes="entry compaction")


class NoticeView(Static, can_focus=True):
    """A warning or an error, with what to do."""

    def __init__(self, entry: Entry) -> None:
        prefix = {"error": "error: ", "refusal": "the model refused: "}.get(entry.kind, "warning: ")
        text = Text(prefix, style="bold")
        text.append(safe(entry.text))
        super().__init__(text, classes=f"entry notice {entry.kind}")
        self.entry = entry


EntryView = (
    UserMessageView
    | AssistantMessageView
    | ReasoningView
    | ToolCallView
    | PlanView
    | CompactionView
    | NoticeView
)


def widget_for(entry: Entry) -> EntryView:
    """A finished entry's widget."""
    if entry.kind == "user":
        return UserMessageView(entry)
    if entry.kind == "assistant":
        return AssistantMessageView(entry)
    if entry.kind == "reasoning":
        return ReasoningView(entry)
    if entry.kind == "tool":
        return ToolCallView(entry)
    if entry.kind == "plan":
        return PlanView(entry)
    if entry.kind == "compaction":
        return CompactionView(entry)
    return NoticeView(entry)
