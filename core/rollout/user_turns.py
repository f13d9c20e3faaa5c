"""The messages a user actually typed, as the fork dialog lists them (docs/architecture.md, A fork).

``fork_thread(n, ...)`` cuts a rollout before the n-th real user message; the dialog must number
messages the same way, so this module applies the same rule as ``core.rollout.truncation``
(``is_real_user_message`` on ``transcript_item`` records) and reports, for each message, the ``n``
to pass and how many rollout items a fork before it keeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import RolloutError
from core.fs import UnreadableFileError, read_regular_file
from core.protocol.items import InputImage, MessageItem
from core.protocol.rollout import RolloutItem, TranscriptRecord, parse_stamped_item
from core.rollout.reader import ROLLOUT_MAX_BYTES
from core.rollout.session_prefix import is_real_user_message
from core.text import IMAGE_PLACEHOLDER, first_line

_LINES_PER_SLICE = 2000
"""Parse this many lines between yields to the loop, so a long rollout never stalls the UI."""


@dataclass(frozen=True, slots=True)
class UserTurn:
    """One real user message of a thread."""

    index: int
    """0-based among real user messages: the ``n`` for ``fork_thread`` (fork *before* it)."""
    text: str
    """The message's full text (text parts joined; images left out)."""
    first_line: str
    """The first non-blank line, stripped (``core.text.first_line``); ``IMAGE_PLACEHOLDER``
    when there is no text at all."""
    timestamp: str | None
    """The rollout line's timestamp (``2026-11-25T12:00:00.123Z``) when the caller knew it."""
    items_before: int
    """Rollout items before this message: what a fork before it keeps."""
    images: int = 0
    """Attached images, which ``text`` does not show."""


def list_user_turns(
    items: Sequence[RolloutItem], timestamps: Sequence[str | None] | None = None
) -> list[UserTurn]:
    """The real user messages in ``items``, oldest first, skipping session-prefix messages.

    Args:
        items: A thread's rollout items, in file order.
        timestamps: Optional, parallel to ``items`` (the rollout lines' timestamps); rollout items
            do not carry their own, so without it every ``UserTurn.timestamp`` is None.
    """
    turns: list[UserTurn] = []
    for position, record in enumerate(items):
        if not isinstance(record, TranscriptRecord):
            continue
        message = record.payload
        if not isinstance(message, MessageItem) or not is_real_user_message(message):
            continue
        text = message.text()
        images = sum(1 for part in message.content if isinstance(part, InputImage))
        line = first_line(text) or (IMAGE_PLACEHOLDER if images else "")
        stamp = (
            timestamps[position] if timestamps is not None and position < len(timestamps) else None
        )
        turns.append(
            UserTurn(
                index=len(turns),
                text=text,
                first_line=line,
                timestamp=stamp,
                items_before=position,
                images=images,
            )
        )
    return turns


async def read_user_turns(path: Path | str) -> list[UserTurn]:
    """The user turns of a rollout file, *with* timestamps.

    ``load_rollout`` keeps items only, so ``list_user_turns`` on its history has no times; this
    reads the lines itself, skipping unreadable ones exactly as the reader does (so indexes and
    ``items_before`` agree with a fork of the same file), and keeps each line's timestamp.

    Raises:
        RolloutError: the file cannot be read.
    """
    path = Path(path)
    try:
        data = await asyncio.to_thread(read_regular_file, path, max_bytes=ROLLOUT_MAX_BYTES)
    except UnreadableFileError as error:
        raise RolloutError(path, f"cannot read the session file ({error.reason})") from None
    except OSError as error:
        raise RolloutError(
            path, f"cannot read the session file ({error.strerror or error}); check it exists"
        ) from None
    items: list[RolloutItem] = []
    stamps: list[str | None] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if number % _LINES_PER_SLICE == 0:
            await asyncio.sleep(0)
        if not raw or raw.isspace():
            continue
        try:
            stamp, item = parse_stamped_item(raw)
        except (ValueError, RecursionError):
            continue
        items.append(item)
        stamps.append(stamp)
    return list_user_turns(items, stamps)
