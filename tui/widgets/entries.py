"""The blocks of a transcript: user and assistant messages, reasoning, tool calls, notices.

Model and tool text is shown as text: terminal escapes are neutralised and nothing is parsed as
Rich markup (assistant Markdown is rendered by Textual's Markdown widget, which never interprets
console markup).
"""

from __future__ import annotations

import json
import re

from markdown_it import MarkdownIt
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Collapsible, Markdown, Static
from textual.widgets.markdown import MarkdownBlock, MarkdownFence, MarkdownStream

from core.sanitize import neutralize_terminal_escapes
from core.text import shorten
from core.tools.plan_format import STATUS_MARKS, plan_of_output
from tui.diff_text import diff_text
from tui.transcript_model import Entry

TOOL_OUTPUT_PREVIEW_CHARS = 1500
PATCH_PREVIEW_LINES = 40
"""An ``apply_patch`` call shows this many lines of its patch until ``o`` shows them all."""
SHOW_ALL_HINT = " (press o to show all)"


def safe(text: str) -> str:
    return neutralize_terminal_escapes(text)


class UserMessageView(Static, can_focus=True):
    """What the user typed, numbered like the fork dialog numbers it."""

    def __init__(self, entry: Entry) -> None:
        super().__init__(user_message_text(entry), classes="entry user")
        self.entry = entry


def user_message_text(entry: Entry) -> Text:
    """The message, then a chip line for each attached image (name, size, dimensions)."""
    text = Text(safe(entry.text))
    for chip in entry.images:
        if text:
            text.append("\n")
        text.append("▣ ", style="bold")
        text.append(safe(chip), style="italic")
    return text


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


_PATCH_FILE = re.compile(r"^\*\*\* (?:Add|Update|Delete) File: (.+)$", re.MULTILINE)


def patch_of(entry: Entry) -> str | None:
    """The patch an ``apply_patch`` call carried (known while the thread that made it is
    open); None for any other call, or arguments that are not a patch."""
    if entry.title != "apply_patch":
        return None
    try:
        arguments = json.loads(entry.details.get("arguments", ""))
    except ValueError:
        return None
    patch = arguments.get("input", arguments.get("patch")) if isinstance(arguments, dict) else None
    return patch if isinstance(patch, str) else None


def tool_title(entry: Entry) -> str:
    """``✓ shell ["ls"]``; an ``apply_patch`` call names the files its patch touches."""
    status = "✓" if entry.success else "✗"
    if entry.details.get("running") == "1":
        status = "…"
    patch = patch_of(entry)
    arguments = entry.details.get("arguments", "")
    if patch is not None:
        arguments = ", ".join(_PATCH_FILE.findall(patch))
    arguments = shorten(arguments, 60)
    return safe(f"{status} {entry.title} {arguments}".rstrip())


class ToolCallView(Collapsible, can_focus=True):
    """A tool call with its output; long output is cut, with a key to show all of it. An
    ``apply_patch`` call shows its patch as a coloured diff above the output, open."""

    BINDINGS = [Binding("o", "show_all", "Show all output", id="tool.show_all")]

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self._output = Static(self._output_text(full=False), classes="tool-output")
        super().__init__(
            self._output,
            title=tool_title(entry),
            collapsed=patch_of(entry) is None,
            classes="entry tool",
        )
        self.set_class(not entry.success, "failed")

    def _output_text(self, *, full: bool) -> Text:
        text = safe(self.entry.text)
        if full or len(text) <= TOOL_OUTPUT_PREVIEW_CHARS:
            shown = Text(text)
        else:
            hidden = len(text) - TOOL_OUTPUT_PREVIEW_CHARS
            shown = Text(text[:TOOL_OUTPUT_PREVIEW_CHARS])
            shown.append(f"\n… {hidden} more characters{SHOW_ALL_HINT}", style="dim italic")
        patch = patch_of(self.entry)
        if patch is None:
            return shown
        lines = None if full else PATCH_PREVIEW_LINES
        return Text("\n").join([diff_text(patch, max_lines=lines, hint=SHOW_ALL_HINT), shown])

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
