"""A small fuzzy matcher for pickers: the query as a case-insensitive subsequence, scored.

Textual's ``textual.fuzzy`` is tuned for the command palette and returns float scores from a
regex search; the pickers want plain, predictable ranking ("g5c" puts ``gpt-5-codex`` before
``gpt-5``-anything-with-a-c) and the matched positions to highlight, so this is a tiny dynamic
programme over query by candidate, linear in each (model names are short).

Scoring, per matched character: 1, plus a bonus when it follows the previous match directly, plus
a bonus when it starts a word (start of text, after a separator, or a lower→upper change); each gap
between matches costs a little, and so does a late first match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

_MATCH = 1.0
_CONSECUTIVE = 2.0
_WORD_START = 1.5
_GAP = 0.5
_LEADING = 0.05
_SEPARATORS = frozenset(" -_./:()[]@")


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    """A query found in a candidate: higher ``score`` is better; ``positions`` are ascending."""

    score: float
    positions: tuple[int, ...]


def _word_starts(text: str) -> list[bool]:
    starts: list[bool] = []
    previous = ""
    for char in text:
        starts.append(
            not previous
            or previous in _SEPARATORS
            or (previous.islower() and char.isupper())
            or (previous.isalpha() and char.isdigit())
        )
        previous = char
    return starts


def fuzzy_match(query: str, candidate: str) -> FuzzyMatch | None:
    """The best way to find ``query`` in ``candidate`` as a subsequence, or None.

    Spaces in the query are ignored, so "gpt 5" finds "gpt-5". An empty query matches everything
    with score 0 and nothing to highlight.
    """
    needle = "".join(query.split()).casefold()
    if not needle:
        return FuzzyMatch(0.0, ())
    hay = candidate.casefold()
    if len(hay) != len(candidate):  # casefold changed lengths (ß → ss): keep positions honest
        hay = candidate.lower()
    width = len(hay)
    if len(needle) > width:
        return None
    starts = _word_starts(candidate)
    neg = float("-inf")
    # best[j]: best score with the current query char matched at j; back[i][j]: previous position.
    best = [neg] * width
    back: list[list[int]] = []
    for i, char in enumerate(needle):
        row = [neg] * width
        links = [-1] * width
        run_best, run_at = neg, -1  # best of best[k] for k < j - 1 (a gap before j)
        for j in range(width):
            if j >= 2 and best[j - 2] > run_best:
                run_best, run_at = best[j - 2], j - 2
            if hay[j] != char:
                continue
            gain = _MATCH + (_WORD_START if starts[j] else 0.0)
            if i == 0:
                row[j] = gain - _LEADING * j
                continue
            options = (
                (best[j - 1] + _CONSECUTIVE, j - 1) if j >= 1 else (neg, -1),
                (run_best - _GAP, run_at),
            )
            score, link = max(options)
            if score > neg:
                row[j], links[j] = score + gain, link
        best = row
        back.append(links)
    end_score = max(best)
    if end_score == neg:
        return None
    position = best.index(end_score)
    positions = [position]
    for links in reversed(back[1:]):
        position = links[position]
        positions.append(position)
    return FuzzyMatch(end_score, tuple(reversed(positions)))


def best_match(query: str, candidates: Iterable[str]) -> tuple[int, FuzzyMatch] | None:
    """The best-scoring candidate as ``(its position in candidates, match)``, or None."""
    found: tuple[int, FuzzyMatch] | None = None
    for number, candidate in enumerate(candidates):
        match = fuzzy_match(query, candidate)
        if match is not None and (found is None or match.score > found[1].score):
            found = (number, match)
    return found
