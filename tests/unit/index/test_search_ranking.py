"""Ranking from the best-scored few messages gives exactly the ranking of every match.

``search._ranked`` looks up only the best-scored messages when they settle the order; ties,
narrow folders and sessions with many hits must still rank as a look at every match does.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from core.index import search
from core.index.database import open_index
from core.index.library import SessionIndex
from core.index.query import parse_query
from core.index.search import SearchScope, run_search
from tests.unit.index.helpers import append_turn, new_rollout

QUERIES = ["heron", "heron pond", "egret", "pond*", '"grey heron"', "nothing-matches"]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Sessions in two folders: many with one equal hit (ties), some with many hits, some
    where the word is one of many, an older and a newer copy of the same text."""
    root = tmp_path_factory.mktemp("ranking")
    home, near, far = root / "home", root / "near", root / "far"
    near.mkdir()
    far.mkdir()
    for n in range(30):
        path = new_rollout(home, near if n % 3 else far)
        if n % 5 == 0:
            for turn in range(6):  # many hits in one session
                append_turn(path, f"grey heron at the pond {turn}", f"egret {n} {turn}")
        elif n % 2:
            append_turn(path, "heron", "a reply")  # the same text: equal scores
        else:
            filler = " ".join(f"word{n}x{i}" for i in range(n * 4))
            append_turn(path, f"a heron by the pond and {filler}", "egret " * (n % 4 + 1))
        os.utime(path, (1_700_000_000 + n * 60, 1_700_000_000 + n * 60))
    SessionIndex(home, codex_sessions=None).refresh()
    return home, near


def _ranked_ids(connection: sqlite3.Connection, text: str, scope: SearchScope) -> list[tuple]:
    hits, vanished = run_search(connection, parse_query(text), scope)
    assert vanished == []
    return [(hit.thread_id, hit.turn, hit.role) for hit in hits]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("limit", [1, 3, 7, 40])
@pytest.mark.parametrize("folder", [False, True])
def test_the_few_best_rank_as_every_match_does(
    library: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, text: str, limit: int, folder: bool
) -> None:
    home, near = library
    scope = SearchScope(cwd=near if folder else None, limit=limit, include_codex=False)
    connection = open_index(home).connection
    try:
        monkeypatch.setattr(search, "CANDIDATES_PER_HIT", 10**6)  # every match, always
        expected = _ranked_ids(connection, text, scope)
        monkeypatch.setattr(search, "CANDIDATES_PER_HIT", 1)  # as few as can be
        assert _ranked_ids(connection, text, scope) == expected
    finally:
        connection.close()


def test_a_settled_ranking_does_not_look_at_every_match(library: tuple[Path, Path]) -> None:
    """The shortcut is taken when it can be: one statement, not two."""
    home, _ = library
    connection = open_index(home).connection
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    try:
        hits, _ = run_search(connection, parse_query("egret"), SearchScope(cwd=None, limit=2))
    finally:
        connection.close()
    assert len(hits) == 2
    assert sum("MATCH" in statement for statement in statements) == 1
