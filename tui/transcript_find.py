"""Find in a thread: which entries hold a text, and which match is the current one.

It works on the transcript's entries as data, not on widgets, so it sees every entry of a long
thread, mounted or not; the transcript then shows the current match (mounting its part when it
is outside the window).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tui.transcript_model import Entry


@dataclass(frozen=True)
class Match:
    """One occurrence: the entry's index in the transcript and where the text starts in it."""

    entry: int
    offset: int


def find_matches(entries: Sequence[Entry], query: str) -> list[Match]:
    """Every occurrence of ``query`` (ignoring case) in the entries' text, in reading order."""
    needle = query.casefold()
    if not needle:
        return []
    found: list[Match] = []
    for index, entry in enumerate(entries):
        haystack = entry.text.casefold()
        offset = haystack.find(needle)
        while offset != -1:
            found.append(Match(index, offset))
            offset = haystack.find(needle, offset + len(needle))
    return found


@dataclass
class FindState:
    """The matches of one query and the one being shown."""

    query: str = ""
    matches: list[Match] = field(default_factory=list)
    current: int = -1

    @classmethod
    def search(cls, entries: Sequence[Entry], query: str, near: int | None = None) -> FindState:
        """The matches of ``query``; the current one is the first at or after entry ``near``
        (the one on screen), else the last one (the newest, where a reader usually is)."""
        matches = find_matches(entries, query)
        current = len(matches) - 1
        if near is not None:
            current = next((i for i, m in enumerate(matches) if m.entry >= near), current)
        return cls(query, matches, current)

    @property
    def current_match(self) -> Match | None:
        return self.matches[self.current] if 0 <= self.current < len(self.matches) else None

    def step(self, delta: int) -> Match | None:
        """Move to the next (``1``) or previous (``-1``) match, wrapping around."""
        if not self.matches:
            return None
        self.current = (self.current + delta) % len(self.matches)
        return self.matches[self.current]

    def entries_with_matches(self) -> set[int]:
        return {m.entry for m in self.matches}

    def count_label(self) -> str:
        """``3 of 17``, or what to say when there is none."""
        if not self.query:
            return ""
        if not self.matches:
            return "no match"
        return f"{self.current + 1} of {len(self.matches)}"
