"""The search screen's searcher: hits of what is indexed, one line for trouble, never a
traceback; the index build runs in a thread of its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.index import database
from core.index.database import index_path
from core.index.library import SessionIndex
from core.session_names import set_name
from tests.unit.index.helpers import append_turn, new_rollout
from tui.screens.session_search import SearchRequest
from tui.threads.library_search import LibrarySearch


def built(home: Path, cwd: Path) -> LibrarySearch:
    library = LibrarySearch(home, cwd)
    library.start_refresh()
    library.wait_for_refresh(30)
    return library


def test_searches_this_folder_then_all_and_finds_names(tmp_path: Path) -> None:
    home, here, there = tmp_path / "home", tmp_path / "here", tmp_path / "there"
    mine = new_rollout(home, here)
    append_turn(mine, "where do puffins nest", "on cliffs", tool_output="puffin.csv")
    append_turn(new_rollout(home, there), "a puffin elsewhere", "ok")
    set_name(home, mine.stem[-36:], "seabird notes")
    library = built(home, here)
    try:
        here_only = library.search(SearchRequest("puffins"))
        assert [hit.path for hit in here_only.hits] == [mine] and here_only.problem is None
        assert len(library.search(SearchRequest("puffin", all_folders=True)).hits) == 2
        named = library.search(SearchRequest("seabird"))
        assert [hit.role for hit in named.hits] == ["name"]
        assert named.names[mine.stem[-36:]] == "seabird notes"
        progress = library.progress()
        assert progress is not None and not progress.running
    finally:
        library.close()


@pytest.mark.parametrize("text", ['"', "AND", "*", "\x00"])
def test_a_query_with_nothing_to_search_for_is_one_line(tmp_path: Path, text: str) -> None:
    library = LibrarySearch(tmp_path / "home", tmp_path)
    try:
        outcome = library.search(SearchRequest(text))
    finally:
        library.close()
    assert outcome.hits == []
    assert outcome.problem is not None and "\n" not in outcome.problem
    assert outcome.problem.startswith("nothing to search for")


def test_an_index_locked_too_long_is_built_in_memory_and_searched_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    append_turn(new_rollout(home, tmp_path), "the first gannet", "ok")
    first = SessionIndex(home)
    first.refresh()
    first.close()
    append_turn(new_rollout(home, tmp_path), "a second gannet", "ok")  # not in the file yet
    monkeypatch.setattr(database, "LOCK_WAIT_SECONDS", 0.2)
    holder = sqlite3.connect(index_path(home), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        library = built(home, tmp_path)
        outcome = library.search(SearchRequest("gannet"))
        library.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(outcome.hits) == 2
    assert outcome.problem is not None and "memory" in outcome.problem
