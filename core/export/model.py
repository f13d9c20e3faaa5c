"""A thread as an export shows it, read from its rollout: the one model every format renders.

Only what a reader of the conversation wants is kept: the messages the user typed, the
assistant's answers, reasoning summaries, tool calls with their arguments and output, each with
its timestamp, and the fork lineage. The agent's injected context (instructions, environment)
is left out. Every text is cleaned here, once, for all formats: secrets are masked
(``core.secrets``) and control characters, terminal escapes among them, made visible
(``core.sanitize``), so no format can forget to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from core.errors import RolloutError
from core.protocol.items import (
    InputImage,
    MessageItem,
    ReasoningItem,
    ToolCallItem,
    ToolCallOutputItem,
)
from core.protocol.rollout import (
    RolloutItem,
    SessionMetaRecord,
    TranscriptRecord,
    TurnContextRecord,
    parse_stamped_item,
)
from core.rollout.reader import read_rollout_bytes
from core.rollout.session_prefix import is_real_user_message
from core.sanitize import encodable_text, neutralize_terminal_escapes
from core.secrets import redact_secrets

EntryKind = Literal["user", "assistant", "reasoning", "tool_call"]


def clean(text: str) -> str:
    """Text fit for an export: secrets masked, control characters shown, valid UTF-8."""
    return neutralize_terminal_escapes(encodable_text(redact_secrets(text)))


@dataclass(frozen=True)
class Ancestor:
    """One thread in a fork's lineage, from the session_meta lines its fork copied."""

    thread_id: str
    created_at: str


@dataclass
class Entry:
    """One thing said or done in the thread, in order."""

    kind: EntryKind
    timestamp: str
    text: str = ""
    """The message, the reasoning summary, or (tool calls) the arguments."""
    tool_name: str | None = None
    call_id: str | None = None
    output: str | None = None
    """A tool call's output; None while it has none (the thread stopped before it finished)."""
    success: bool | None = None
    turn: int = 0
    """0-based index of the user message this entry belongs to (-1 before the first)."""
    images: list[str] = field(default_factory=list)
    """A user message's attached images, by file name (else kind): every format shows an
    ``[image: NAME]`` line for each; the image data itself stays in the rollout."""


@dataclass
class ExportedThread:
    thread_id: str
    created_at: str
    cwd: str
    source_path: str
    model_provider: str | None = None
    models: list[str] = field(default_factory=list)
    lineage: list[Ancestor] = field(default_factory=list)
    """The thread it was forked from first, then that thread's parent, and so on."""
    entries: list[Entry] = field(default_factory=list)
    skipped_lines: int = 0


StampedLine = tuple[str, RolloutItem] | None
"""A rollout line as (timestamp, item), or None for one that could not be read."""


def _stamped_lines(data: bytes) -> Iterator[StampedLine]:
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            yield parse_stamped_item(raw)
        except (ValueError, RecursionError):
            yield None


class _Builder:
    def __init__(self, path: Path) -> None:
        self.thread: ExportedThread | None = None
        self.path = path
        self.calls: dict[str, Entry] = {}
        self.turn = -1
        self.skipped = 0

    def add(self, line: StampedLine) -> None:
        if line is None:
            self.skipped += 1
            return
        timestamp, item = line
        if isinstance(item, SessionMetaRecord):
            self._meta(item)
        elif self.thread is None:
            return
        elif isinstance(item, TurnContextRecord):
            model = clean(item.payload.model)
            if model not in self.thread.models:
                self.thread.models.append(model)
        elif isinstance(item, TranscriptRecord):
            self._transcript(timestamp, item)

    def _meta(self, record: SessionMetaRecord) -> None:
        meta = record.payload
        if self.thread is None:
            self.thread = ExportedThread(
                thread_id=str(meta.id),
                created_at=clean(meta.timestamp),
                cwd=clean(meta.cwd),
                source_path=clean(str(self.path)),
                model_provider=clean(meta.model_provider) if meta.model_provider else None,
            )
        elif str(meta.id) != self.thread.thread_id:
            known = {a.thread_id for a in self.thread.lineage}
            if str(meta.id) not in known:
                self.thread.lineage.append(Ancestor(str(meta.id), clean(meta.timestamp)))

    def _transcript(self, timestamp: str, record: TranscriptRecord) -> None:
        assert self.thread is not None
        payload = record.payload
        stamp = clean(timestamp)
        if isinstance(payload, MessageItem):
            self._message(stamp, payload)
        elif isinstance(payload, ReasoningItem):
            summary = "\n\n".join(part.text for part in payload.summary).strip()
            if summary:
                self._append(Entry("reasoning", stamp, clean(summary)))
        elif isinstance(payload, ToolCallItem):
            entry = Entry(
                "tool_call",
                stamp,
                clean(payload.payload.arguments),
                tool_name=clean(payload.tool_name),
                call_id=clean(payload.call_id),
            )
            self.calls[payload.call_id] = entry
            self._append(entry)
        elif isinstance(payload, ToolCallOutputItem):
            self._output(stamp, payload)

    def _message(self, stamp: str, message: MessageItem) -> None:
        if message.role == "user" and is_real_user_message(message):
            self.turn += 1
            images = [
                clean(image_name(part)) for part in message.content if part.type == "input_image"
            ]
            self._append(Entry("user", stamp, clean(message.text()), images=images))
        elif message.role == "assistant":
            self._append(Entry("assistant", stamp, clean(message.text())))

    def _output(self, stamp: str, item: ToolCallOutputItem) -> None:
        entry = self.calls.get(item.call_id)
        if entry is None:  # an output without its call (a damaged rollout): shown on its own
            entry = Entry("tool_call", stamp, "", tool_name="?", call_id=clean(item.call_id))
            self._append(entry)
        entry.output = clean(item.output)
        entry.success = item.success

    def _append(self, entry: Entry) -> None:
        assert self.thread is not None
        entry.turn = self.turn
        self.thread.entries.append(entry)


def image_name(part: InputImage) -> str:
    """An image's file name, else its kind from its ``data:`` URL, else ``image``."""
    if part.file_name:
        return part.file_name
    kind = part.image_url.partition(";")[0].removeprefix("data:")
    return kind if part.image_url.startswith("data:") and kind else "image"


def image_lines(entry: Entry) -> list[str]:
    """``[image: NAME]`` for each image of a user message: one wording for every format."""
    return [f"[image: {name}]" for name in entry.images]


def thread_from_lines(path: Path, lines: Iterable[StampedLine]) -> ExportedThread:
    """The export model of the rollout ``lines`` read from ``path``."""
    builder = _Builder(path)
    for line in lines:
        builder.add(line)
    if builder.thread is None:
        raise RolloutError(
            path, "no session_meta line, so this is not a readable lha session; nothing to export"
        )
    builder.thread.skipped_lines = builder.skipped
    return builder.thread


def read_thread(path: Path) -> ExportedThread:
    """Read the rollout at ``path`` (blocking) into the export model; unreadable lines are
    skipped and counted in ``skipped_lines``."""
    data = read_rollout_bytes(path)
    return thread_from_lines(path, _stamped_lines(data))
