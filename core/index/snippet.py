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


def _matches_at(words: list[tuple[str, int, int]], index: int, term: QueryTerm) -> bool:
    last = len(term.tokens) - 1
    if index + last >= len(words):
        return False
    for offset, token in enumerate(term.tokens):
        word = words[index + offset][0]
        if word != token and not (term.prefix and offset == last and word.startswith(token)):
            return False
    return True


def _match_spans(
    flat: str, terms: tuple[QueryTerm, ...], first_only: bool
) -> list[tuple[int, int]]:
    """Spans of the terms' matches in ``flat``; with ``first_only``, stop at the first one.

    Each term is tried where its last token has just been read, so the text is tokenized only
    as far as needed (a message can be 64 KB, and a search cuts up to ``-n`` snippets).
    """
    words: list[tuple[str, int, int]] = []
    spans = []
    for match in _TOKEN.finditer(flat, _first_candidate(flat, terms)):
        words.append((normalize(match.group()), match.start(), match.end()))
        for term in terms:
            begin = len(words) - len(term.tokens)
            if begin >= 0 and _matches_at(words, begin, term):
                spans.append((words[begin][1], words[-1][2]))
                if first_only:
                    return spans
    return spans


def _first_candidate(flat: str, terms: tuple[QueryTerm, ...]) -> int:
    """Where tokenizing ``flat`` may start without missing a match: the start of the word
    holding the first occurrence of any term's first token (``len(flat)`` when there is none).

    Only for ASCII text, where folding is lower-casing, so a match's first token is always in
    the lowered text; other text is tokenized from the start. A hit in a long tool output is
    often far in: tokenizing (and folding) every word before it was most of a search's time.
    """
    if not flat.isascii():
        return 0
    lowered = flat.lower()
    found = [at for term in terms if (at := lowered.find(term.tokens[0])) >= 0]
    if not found:
        return len(flat)
    start = min(found)
    while start > 0 and flat[start - 1].isalnum():
        start -= 1
    return start


def make_snippet(text: str, terms: tuple[QueryTerm, ...]) -> Snippet:
    """The snippet of ``text`` for ``terms``; the start of the text when nothing matches."""
    flat = _SPACES.sub(" ", text).strip()
    first = _match_spans(flat, terms, first_only=True)
    anchor = first[0][0] if first else 0
    start = 0 if anchor <= _LEAD else flat.rfind(" ", 0, anchor - _LEAD + 1) + 1
    start = min(start, anchor)
    budget = SNIPPET_CHARS - (1 if start else 0)
    end = min(len(flat), start + budget)
    if end < len(flat):
        end -= 1
    body = flat[start:end]
    prefix = _ELLIPSIS if start else ""
    suffix = _ELLIPSIS if end < len(flat) else ""
    spans = _match_spans(body, terms, first_only=False) if first else []
    marks = tuple((s + len(prefix), e + len(prefix)) for s, e in sorted(set(spans)))
    return Snippet(prefix + body + suffix, _without_overlaps(marks))


def _without_overlaps(spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def matches_every_term(text: str, terms: tuple[QueryTerm, ...]) -> bool:
    """True when every term occurs in ``text`` (how a session's name is searched)."""
    flat = _SPACES.sub(" ", text)
    return all(_match_spans(flat, (term,), first_only=True) for term in terms)
