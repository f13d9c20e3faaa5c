"""Where a search hit is in a thread's transcript: the entry to scroll to and highlight.

The index knows a hit by its user turn (0-based, counted over real user messages, the turns the
fork dialog numbers) and its role; the transcript holds one ``user`` entry per such message, so
turn n starts at the n-th user entry. Within the turn, the hit is the first entry of its kind
that holds the matched word (an answer, or a tool's output), else the first of its kind, else
the user message itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.transcript_model import Entry

if TYPE_CHECKING:
    from core.index.snippet import Snippet
    from tui.widgets.transcript import Transcript

_KIND_OF_ROLE = {"user": "user", "assistant": "assistant", "tool": "tool"}


@dataclass(frozen=True)
class FoundMessage:
    """An opened session and where its hit is: what the app scrolls to and finds."""

    transcript: Transcript
    entry: int | None
    """The entry holding the hit; None when the hit was the session's name."""
    word: str
    """The matched text as the message has it (the find bar's query), or ``""``."""


def matched_word(snippet: Snippet) -> str:
    """The first match in a hit's snippet, as the message spells it (its first word when the
    match is a phrase, whose spacing the snippet may have changed)."""
    if not snippet.highlights:
        return ""
    start, end = snippet.highlights[0]
    words = snippet.text[start:end].split()
    return words[0] if words else ""


def entry_of_hit(entries: Sequence[Entry], turn: int, role: str, word: str) -> int | None:
    """The index of the entry a hit of ``role`` in user turn ``turn`` points at (see the module
    docstring); None for a name hit or a transcript without user messages."""
    kind = _KIND_OF_ROLE.get(role)
    users = [index for index, entry in enumerate(entries) if entry.kind == "user"]
    if kind is None or not users:
        return None
    turn = min(max(turn, 0), len(users) - 1)
    start = users[turn]
    if kind == "user":
        return start
    end = users[turn + 1] if turn + 1 < len(users) else len(entries)
    of_kind = [index for index in range(start + 1, end) if entries[index].kind == kind]
    needle = word.casefold()
    holding = (index for index in of_kind if needle and needle in entries[index].text.casefold())
    return next(holding, of_kind[0] if of_kind else start)
