"""Turning what the user typed into an FTS5 query that always parses.

The accepted language is small on purpose: words (all must match, in any order), ``"quoted
phrases"`` and ``prefix*``. Every term is passed to FTS5 as a quoted string, so FTS5 operators
(``OR``, ``NEAR``, ``col:``), stray quotes, lone ``*`` and control characters are just text: a
query can never fail to parse (a bare ``AND`` is dropped: all words must match anyway).
Terms are split into tokens the way FTS5's ``unicode61`` tokenizer does (letters and digits;
everything else separates), so ``foo-bar`` looks for the phrase "foo bar", exactly what indexing
``foo-bar`` produced.
"""

from __future__ import annotations

import re

from core.errors import InvalidRequest
from core.records import Record

_TOKEN = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_QUERY_CHARS = 1000


class QueryTerm(Record):
    """A word or a phrase: tokens in order (normalized), the last one a prefix when ``prefix``."""

    tokens: tuple[str, ...]
    prefix: bool = False


class SearchQuery(Record):
    text: str
    terms: tuple[QueryTerm, ...]

    def fts_expression(self) -> str:
        """The FTS5 MATCH string: each term a quoted string, the terms ANDed."""
        return " ".join(_fts_term(term) for term in self.terms)


def normalize(text: str) -> str:
    """Case- and accent-folded text, as the index compares it (``remove_diacritics 2``)."""
    if text.isascii():
        return text.lower()
    import unicodedata  # only for text that is not ASCII: the module takes ~2 ms to load

    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def tokens_of(text: str) -> list[str]:
    return [normalize(token) for token in _TOKEN.findall(text)]


def _fts_term(term: QueryTerm) -> str:
    quoted = '"' + " ".join(term.tokens).replace('"', '""') + '"'
    return quoted + " *" if term.prefix else quoted


def _word_term(word: str) -> QueryTerm | None:
    prefix = word.endswith("*")
    tokens = tuple(tokens_of(word))
    if not tokens:
        return None
    return QueryTerm(tokens, prefix=prefix and bool(_TOKEN.search(word[-2:-1] or "")))


def parse_query(text: str) -> SearchQuery:
    """Parse a query; ``InvalidRequest`` (one line, says what to type) when nothing is left."""
    cleaned = _CONTROL.sub(" ", text[:MAX_QUERY_CHARS])
    terms: list[QueryTerm] = []
    pieces = cleaned.split('"')
    closed = len(pieces) % 2 == 1  # an odd number of quotes leaves the last one open
    for position, piece in enumerate(pieces):
        inside = position % 2 == 1 and (closed or position < len(pieces) - 1)
        if inside:
            tokens = tuple(tokens_of(piece))
            if tokens:
                terms.append(QueryTerm(tokens))
            continue
        for word in piece.split():
            if word == "AND":  # every word must match anyway: the operator adds nothing
                continue
            term = _word_term(word)
            if term is not None:
                terms.append(term)
    if not terms:
        raise InvalidRequest(
            f'nothing to search for in {text!r}: give words, a "quoted phrase" or a prefix*'
        )
    return SearchQuery(text=text, terms=tuple(dict.fromkeys(terms)))
