"""Tokenizing ASCII text from the first candidate word finds exactly what tokenizing it all
finds (the fast path of ``core.index.snippet``)."""

from __future__ import annotations

import random

import pytest

from core.index import snippet
from core.index.query import parse_query

WORDS = ["heron", "herons", "Heron", "xheron", "grey", "GREY", "pond", "café", "a-b", "x_y", "42"]


def _slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snippet, "_first_candidate", lambda flat, terms: 0)


@pytest.mark.parametrize("query", ["heron", "her*", '"grey heron"', "grey pond", "b", "42"])
def test_the_same_snippets_as_tokenizing_everything(
    query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(query)
    terms = parse_query(query).terms
    texts = [
        " ".join(rng.choice(WORDS) + rng.choice([" ", "\n", ".", ""]) for _ in range(200))
        for _ in range(60)
    ]
    fast = [snippet.make_snippet(text, terms) for text in texts]
    _slow_path(monkeypatch)
    assert fast == [snippet.make_snippet(text, terms) for text in texts]


def test_text_without_any_first_token_has_no_match() -> None:
    terms = parse_query("heron").terms
    made = snippet.make_snippet("nothing to see " * 100, terms)
    assert made.highlights == () and made.text.startswith("nothing to see")


SPACING = [" ", "  ", "\t", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0"]
UNPRINTABLE = ["\x00", "\x1b", "\x7f", "\x80", "\x9f", "\u200b", "\u2028", "\ud800"]


@pytest.mark.parametrize("unprintable", [False, True])
def test_flattening_by_split_is_flattening_by_the_pattern(unprintable: bool) -> None:
    """``str.split`` and the pattern agree on every kind of whitespace; anything else
    unprintable goes the pattern's way."""
    rng = random.Random(int(unprintable))
    pieces = WORDS + SPACING + (UNPRINTABLE if unprintable else [])
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert snippet._flatten(text) == snippet._SPACES.sub(" ", text).strip(), repr(text)
