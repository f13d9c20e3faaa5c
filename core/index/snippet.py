"""The snippet of a hit: up to 200 characters of the message around the first match.

FTS5 cannot make snippets from a contentless table, so they are cut here from the rollout line's
text, matching the query's terms with the same token rules and folding as the index (so
``Café`` highlights for ``cafe``). Whitespace runs become one space and control characters are
dropped, so a snippet is one safe line.
"""

from __future__ import annotations

import re

from core.index.query import QueryTerm, normalize
from core.records import Record

SNIPPET_CHARS = 200
_LEAD = 60
"""Characters of context kept before the first match."""
_TOKEN = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_ELLIPSIS = "…"


class Snippet(Record):
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


def _first_candidate(flat: str, terms: tuple[QueryTerm, ...]) -> int:
    """Where tokenizing ``flat`` may start without missing a match, or -1 when none can match.

    In ASCII text a match starts with a word holding its first token, so nothing before the
    first occurrence of any term's first token (backed up to its word's start) can match;
    ``str.find`` gets there far faster than tokenizing. Other text is tokenized from its start.
    """
    if not flat.isascii():
        return 0
    lowered = flat.lower()
    found = [at for term in terms if (at := lowered.find(term.tokens[0])) >= 0]
    if not found:
        return -1
    start = min(found)
    while start > 0 and flat[start - 1].isalnum():
        start -= 1
    return start


def _match_spans(
    flat: str, terms: tuple[QueryTerm, ...], first_only: bool
) -> list[tuple[int, int]]:
    """Spans of the terms' matches in ``flat``; with ``first_only``, stop at the first one.

    Each term is tried where its last token has just been read, so the text is tokenized only
    as far as needed (a message can be 64 KB, and a search cuts up to ``-n`` snippets).
    """
    words: list[tuple[str, int, int]] = []
    spans: list[tuple[int, int]] = []
    start = _first_candidate(flat, terms)
    if start < 0:
        return spans
    for match in _TOKEN.finditer(flat, start):
        words.append((normalize(match.group()), match.start(), match.end()))
        for term in terms:
            begin = len(words) - len(term.tokens)
            if begin >= 0 and _matches_at(words, begin, term):
                spans.append((words[begin][1], words[-1][2]))
                if first_only:
                    return spans
    return spans


def _flatten(text: str) -> str:
    """``text`` on one line: each run of whitespace or control characters one space, stripped.

    ``str.split`` reads whitespace as the pattern's ``\\s`` does, ten times faster; the
    pattern runs only when something else unprintable (a control character) is left."""
    flat = " ".join(text.split())
    return flat if flat.isprintable() else _SPACES.sub(" ", text).strip()


def make_snippet(text: str, terms: tuple[QueryTerm, ...]) -> Snippet:
    """The snippet of ``text`` for ``terms``; the start of the text when nothing matches."""
    flat = _flatten(text)
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
