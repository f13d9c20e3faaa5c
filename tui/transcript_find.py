"""Find in a thread: which entries hold a text, and which match is the current one.

It works on the transcript's entries as data, not on widgets, so it sees every entry of a long
thread, mounted or not; the transcript then shows the current match (mounting its part when it
is outside the window). Matches are kept as a count per entry, not one object per occurrence:
a one-letter query in a 1,000-turn thread has tens of thousands of them, and each keystroke
searches again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from tui.transcript_model import Entry


@dataclass(frozen=True)
class Match:
    """One occurrence: the entry's index in the transcript and which occurrence in it."""

    entry: int
    nth: int


class FoldedTexts:
    """The entries' text in case-folded form, folded again only when an entry's text changed
    (a streamed answer), so a keystroke in the find bar folds almost nothing."""

    def __init__(self) -> None:
        self._sources: list[str] = []
        self._folded: list[str] = []

    def of(self, entries: Sequence[Entry]) -> list[str]:
        del self._sources[len(entries) :], self._folded[len(entries) :]
        for index, entry in enumerate(entries):
            if index == len(self._sources):
                self._sources.append(entry.text)
                self._folded.append(entry.text.casefold())
            elif self._sources[index] is not entry.text:
                self._sources[index] = entry.text
                self._folded[index] = entry.text.casefold()
        return self._folded


@dataclass
class FindState:
    """The matches of one query (entries holding it, with their counts) and the current one,
    numbered from 0 across the whole thread."""

    query: str = ""
    entries: list[int] = field(default_factory=list)
    """Indices of the entries holding a match, in order."""
    ends: list[int] = field(default_factory=list)
    """Running totals of matches, entry by entry (``ends[-1]`` is the total)."""
    current: int = -1

    @classmethod
    def search(cls, folded: Sequence[str], query: str, near: int | None = None) -> FindState:
        """The matches of ``query`` (ignoring case) in ``folded`` texts; the current one is the
        first at or after entry ``near`` (the one on screen), else the last one."""
        needle = query.casefold()
        found: list[tuple[int, int]] = []
        if needle:
            for index, text in enumerate(folded):
                if needle in text:
                    found.append((index, text.count(needle)))
        entries = [index for index, _ in found]
        ends = list(accumulate(count for _, count in found))
        state = cls(query, entries, ends, (ends[-1] - 1) if ends else -1)
        if near is not None and entries:
            at = next((i for i, entry in enumerate(entries) if entry >= near), None)
            if at is not None:
                state.current = ends[at - 1] if at else 0
        return state

    @property
    def total(self) -> int:
        return self.ends[-1] if self.ends else 0

    @property
    def current_match(self) -> Match | None:
        if not 0 <= self.current < self.total:
            return None
        at = bisect_right(self.ends, self.current)
        before = self.ends[at - 1] if at else 0
        return Match(self.entries[at], self.current - before)

    def step(self, delta: int) -> Match | None:
        """Move to the next (``1``) or previous (``-1``) match, wrapping around."""
        if not self.total:
            return None
        self.current = (self.current + delta) % self.total
        return self.current_match

    def entries_with_matches(self) -> set[int]:
        return set(self.entries)

    def count_label(self) -> str:
        """``3 of 17``, or what to say when there is none."""
        if not self.query:
            return ""
        if not self.total:
            return "no match"
        return f"{self.current + 1} of {self.total}"
