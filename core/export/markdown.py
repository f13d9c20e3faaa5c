"""A thread as Markdown: messages as written, tool calls as code blocks, long output folded in
``<details>`` (which GitHub, GitLab and most viewers render as a click-to-open block)."""

from __future__ import annotations

import re

from core.export.folding import is_long, output_summary
from core.export.model import Entry, ExportedThread, image_lines

_BACKTICKS = re.compile(r"`{3,}")
_HEADINGS = {"user": "User", "assistant": "Assistant", "reasoning": "Reasoning"}


def fenced(text: str, info: str = "") -> str:
    """``text`` in a code fence longer than any run of backticks inside it, so it cannot end
    the block early."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def _header(thread: ExportedThread) -> list[str]:
    lines = [f"# Thread {thread.thread_id}", ""]
    lines.append(f"- Started: {thread.created_at}")
    lines.append(f"- Folder: `{thread.cwd}`")
    if thread.models:
        lines.append(f"- Model: {', '.join(thread.models)}")
    if thread.model_provider:
        lines.append(f"- Provider: {thread.model_provider}")
    if thread.lineage:
        chain = " ← ".join(f"{a.thread_id} ({a.created_at})" for a in thread.lineage)
        lines.append(f"- Forked from: {chain}")
    return [*lines, ""]


def _tool_call(entry: Entry) -> list[str]:
    lines = [f"### Tool call: {entry.tool_name} · {entry.timestamp}", ""]
    if entry.text:
        lines += [fenced(entry.text, "json"), ""]
    if entry.output is None:
        return [*lines, "_No output: the thread stopped before the tool finished._", ""]
    summary = output_summary(entry.output, entry.success)
    if is_long(entry.output):
        folded = ["<details>", f"<summary>{summary}</summary>", "", fenced(entry.output), ""]
        return [*lines, *folded, "</details>", ""]
    return [*lines, f"{summary[:1].upper()}{summary[1:]}:", "", fenced(entry.output), ""]


def _entry(entry: Entry) -> list[str]:
    if entry.kind == "tool_call":
        return _tool_call(entry)
    body = entry.text if entry.kind != "reasoning" else "> " + entry.text.replace("\n", "\n> ")
    images = [line for image in image_lines(entry) for line in (image, "")]
    return [f"## {_HEADINGS[entry.kind]} · {entry.timestamp}", "", body, "", *images]


def render_markdown(thread: ExportedThread) -> str:
    lines = _header(thread)
    for entry in thread.entries:
        lines += _entry(entry)
    return "\n".join(lines).rstrip("\n") + "\n"
