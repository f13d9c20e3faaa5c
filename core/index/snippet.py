"""The snippet of a hit: up to 200 characters of the message around the first match.

FTS5 cannot make snippets from a contentless table, so they are cut here from the rollout line's
text, matching the query's terms with the same token rules and folding as the index (so
``Café`` highlights for ``cafe``). Whitespace runs become one space and control characters are
dropped, so a snippet is one safe line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.index.query import QueryTerm, normalize

SNIPPET_CHARS = 200
_LEAD = 60
"""Characters of context kept before the first match."""
_TOKEN = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    highlights: tuple[tuple[int, int], ...]
    """(start, end) of each match within ``text``."""

    def render(self, start_mark: str, end_mark: str) -> str:
        """``text`` with each match wrapped in the two marks (e.g. terminal styles)."""
        pieces: list[str] = []
        last = 0
        for start, end in self.highlights:
            pieces += [self.text[last:start], start_mark, self.text[start:end], end_mark]
            last = end
        pieces.append(self.text[last:])
        return "".join(pieces)


def _term_matches(words: list[tuple[str, int, int]], term: QueryTerm) -> list[tuple[int, int]]:
    size = len(term.tokens)
    spans = []
    for index in range(len(words) - size + 1):
        window = words[index : index + size]
        if all(
            word == token or (term.prefix and last and word.startswith(token))
            for (word, _, _), token, last in zip(
                window, term.tokens, [i == size - 1 for i in range(size)], strict=True
            )
        ):
            spans.append((window[0][1], window[-1][2]))
    return spans


def make_snippet(text: str, terms: tuple[QueryTerm, ...]) -> Snippet:
    """The snippet of ``text`` for ``terms``; the start of the text when nothing matches."""
    flat = _SPACES.sub(" ", text).strip()
    words = [(normalize(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(flat)]
    spans = sorted({span for term in terms for span in _term_matches(words, term)})
    anchor = spans[0][0] if spans else 0
    start = 0 if anchor <= _LEAD else flat.rfind(" ", 0, anchor - _LEAD + 1) + 1
    start = min(start, anchor)
    budget = SNIPPET_CHARS - (1 if start else 0)
    end = min(len(flat), start + budget)
    if end < len(flat):
        end -= 1
    body = flat[start:end]
    prefix = _ELLIPSIS if start else ""
    suffix = _ELLIPSIS if end < len(flat) else ""
    shift = len(prefix) - start
    marks = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return Snippet(prefix + body + suffix, _without_overlaps(marks))


def _without_overlaps(spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
