"""The search index on real rollouts in a temporary LHA_HOME: what is found, where, and how."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from core.index import search as search_module
from core.index.database import index_path
from core.index.library import SessionIndex
from core.index.query import parse_query
from core.index.search import SearchHit, SearchScope
from core.protocol.items import user_message
from core.protocol.rollout import TranscriptRecord
from tests.unit.index.helpers import append_items, append_turn, new_rollout

KEY = "sk-proj-" + "Zq8" * 12


def search(home: Path, text: str, cwd: Path | None = None, **scope: object) -> list[SearchHit]:
    index = SessionIndex(home)
    try:
        hits, vanished = index.search(parse_query(text), SearchScope(cwd=cwd, **scope))  # type: ignore[arg-type]
    finally:
        index.close()
    assert vanished == []
    return hits


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_finds_user_assistant_and_tool_text_with_turns_and_roles(
    home: Path, tmp_path: Path
) -> None:
    path = new_rollout(home, tmp_path)
    append_turn(path, "how do I parse flamingo files", "Use the pelican parser.")
    append_turn(path, "and then?", "Run it.", tool_output="walrus: 3 files indexed")
    [user] = search(home, "flamingo")
    assert (user.turn, user.role, user.path) == (0, "user", path)
    assert user.preview == "how do I parse flamingo files"
    assert "flamingo" in user.snippet.text
    [answer] = search(home, "pelican")
    assert (answer.turn, answer.role) == (0, "assistant")
    [tool] = search(home, "walrus")
    assert (tool.turn, tool.role) == (1, "tool")
    start, end = tool.snippet.highlights[0]
    assert tool.snippet.text[start:end] == "walrus"


def test_session_prefix_is_never_indexed(home: Path, tmp_path: Path) -> None:
    path = new_rollout(home, tmp_path)  # its environment context names the cwd and policy
    append_turn(path, "hello there", "hi")
    assert search(home, "environment_context") == []
    assert search(home, "approval_policy") == []
    [hit] = search(home, "hello")
    assert hit.turn == 0, "the injected context does not count as a user turn"


def test_secrets_are_neither_stored_nor_found(home: Path, tmp_path: Path) -> None:
    path = new_rollout(home, tmp_path)
    append_turn(path, f"my key is {KEY} keep it", "noted", tool_output=f"OPENAI_API_KEY={KEY}")
    assert search(home, KEY) == []
    assert search(home, "Zq8Zq8Zq8*") == []
    [hit] = search(home, "keep")
    assert KEY not in hit.snippet.text and "***" in hit.snippet.text
    for name in os.listdir(home):
        if name.startswith("index.sqlite"):
            assert b"Zq8Zq8" not in (home / name).read_bytes()


def test_case_accents_phrases_and_prefixes(home: Path, tmp_path: Path) -> None:
    path = new_rollout(home, tmp_path)
    append_turn(path, "Le Café Crème est très bon", "Merci beaucoup")
    assert len(search(home, "cafe creme")) == 1
    assert len(search(home, "CAFÉ")) == 1
    assert len(search(home, "creme cafe")) == 1, "words match in any order"
    assert len(search(home, '"cafe creme"')) == 1
    assert search(home, '"creme cafe"') == [], "a phrase keeps its order"
    assert len(search(home, "caf*")) == 1
    assert search(home, "caf") == []
    assert search(home, "cafe thé") == [], "every word must match"


@pytest.mark.parametrize("query", ['"', "AND", "*", "a\x00b", "OR NOT", "NEAR(x", "col:x", "'"])
def test_odd_queries_are_words_or_one_clear_error(home: Path, tmp_path: Path, query: str) -> None:
    from core.errors import InvalidRequest

    path = new_rollout(home, tmp_path)
    append_turn(path, "a b and or not near x col", "ok")
    try:
        parsed = parse_query(query)
    except InvalidRequest as error:
        assert "\n" not in str(error) and "quoted phrase" in str(error)
        return
    index = SessionIndex(home)
    index.search(parsed, SearchScope(cwd=None))
    index.close()


def test_incremental_update_reads_only_appended_lines(home: Path, tmp_path: Path) -> None:
    path = new_rollout(home, tmp_path)
    append_turn(path, "first heron", "one")
    index = SessionIndex(home)
    first = index.refresh()
    assert first.indexed_files == 1
    assert index.refresh().indexed_bytes == 0, "nothing changed, nothing read"
    append_turn(path, "second egret", "two")
    with open(path, "ab") as file:
        file.write(b'{"timestamp":"2026-01-01T00:00:00.000Z","type":"transcript_item","pay')
    size_before_torn = path.stat().st_size
    grown = index.update_rollout(path)
    index.close()
    assert 0 < grown < size_before_torn - first.indexed_bytes + 1
    [hit] = search(home, "egret")
    assert hit.turn == 1, "turn numbering continues where the last update stopped"
    assert len(search(home, "heron")) == 1, "earlier rows were not indexed twice"
    connection = sqlite3.connect(index_path(home))
    assert connection.execute("SELECT count(*) FROM messages").fetchone()[0] == 4


def test_scope_folder_and_below_and_archived(home: Path, tmp_path: Path) -> None:
    here, below, elsewhere = tmp_path / "proj", tmp_path / "proj" / "sub", tmp_path / "projx"
    for cwd in (here, below, elsewhere):
        append_turn(new_rollout(home, cwd), f"ibis in {cwd.name}", "ok")
    assert {h.cwd for h in search(home, "ibis", cwd=here)} == {str(here), str(below)}
    assert len(search(home, "ibis")) == 3
    archived = home / "archived_sessions"
    archived.mkdir()
    moved = search(home, "ibis", cwd=elsewhere)[0].path
    moved.rename(archived / moved.name)
    assert search(home, "ibis", cwd=elsewhere) == []
    [hit] = search(home, "ibis", cwd=elsewhere, include_archived=True)
    assert hit.archived and hit.path == archived / moved.name


def test_tool_output_ranks_below_what_was_said(home: Path, tmp_path: Path) -> None:
    said = new_rollout(home, tmp_path)
    append_turn(said, "the osprey nests", "ok")
    tool = new_rollout(home, tmp_path)
    append_turn(tool, "look", "done", tool_output="the osprey nests")
    os.utime(tool, None)  # newer, which would win a tie
    hits = search(home, "osprey")
    assert [h.path for h in hits] == [said, tool]
    assert hits[1].role == "tool"


def test_newer_first_on_equal_rank_and_limit(home: Path, tmp_path: Path) -> None:
    paths = [new_rollout(home, tmp_path) for _ in range(3)]
    for n, path in enumerate(paths):
        append_turn(path, "same crane text", "ok")
        os.utime(path, ns=(10**18 + n * 10**9, 10**18 + n * 10**9))
    hits = search(home, "crane")
    assert [h.path for h in hits] == paths[::-1]
    assert len(search(home, "crane", limit=2)) == 2


def test_best_message_per_session_and_ties_beyond_the_best_few(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the best-scored few matches are looked up when they settle the order: a folder's
    session ranked below them is still found, with its best message, and sessions tied with
    the last one kept are ordered newest first whether or not they were among the few."""
    monkeypatch.setattr(search_module, "CANDIDATES_PER_HIT", 1)
    elsewhere, here = tmp_path / "elsewhere", tmp_path / "here"
    tied = [new_rollout(home, elsewhere) for _ in range(6)]
    for n, path in enumerate(tied):
        append_turn(path, "heron heron heron heron", "ok")
        os.utime(path, ns=(10**18 + n * 10**9, 10**18 + n * 10**9))
    mine = new_rollout(home, here)
    append_turn(mine, "one heron among many other words of a long question about birds", "ok")
    append_turn(mine, "heron heron again", "ok")
    [hit] = search(home, "heron", cwd=here)
    assert (hit.path, hit.turn) == (mine, 1)
    assert [h.path for h in search(home, "heron", limit=3)] == tied[:2:-1]


def test_index_file_is_private_and_in_wal_mode(home: Path, tmp_path: Path) -> None:
    append_turn(new_rollout(home, tmp_path), "stork", "ok")
    search(home, "stork")
    mode = stat.S_IMODE(index_path(home).stat().st_mode)
    assert mode == 0o600
    connection = sqlite3.connect(index_path(home))
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_deleted_rollout_is_forgotten(home: Path, tmp_path: Path) -> None:
    path = new_rollout(home, tmp_path)
    append_turn(path, "kestrel", "ok")
    assert len(search(home, "kestrel")) == 1
    index = SessionIndex(home)
    index.forget_rollout(path)
    index.close()
    path.unlink()
    assert search(home, "kestrel") == []
    other = new_rollout(home, tmp_path)
    append_turn(other, "kestrel again", "ok")
    gone = new_rollout(home, tmp_path)
    append_turn(gone, "kestrel third", "ok")
    assert len(search(home, "kestrel")) == 2
    gone.unlink()  # vanished without notice: its rows become unreachable
    assert [h.path for h in search(home, "kestrel")] == [other]


def test_image_only_user_message_still_counts_as_a_turn(home: Path, tmp_path: Path) -> None:
    from core.protocol.items import InputImage, MessageItem

    path = new_rollout(home, tmp_path)
    image = MessageItem(role="user", content=[InputImage(image_url="data:image/png;base64,AA")])
    append_items(path, [TranscriptRecord(payload=image)])
    append_items(path, [TranscriptRecord(payload=user_message("then the plover"))])
    [hit] = search(home, "plover")
    assert hit.turn == 1


def _written_days_ago(path: Path, days: int) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_quick_refresh_finds_new_moved_and_deleted_files_and_trusts_live_updates(
    home: Path, tmp_path: Path
) -> None:
    first = new_rollout(home, tmp_path)
    append_turn(first, "grebe", "ok")
    assert len(search(home, "grebe")) == 1
    second = new_rollout(home, tmp_path)  # a new file in a known folder
    append_turn(second, "grebe two", "ok")
    assert len(search(home, "grebe")) == 2
    old = new_rollout(home, tmp_path)
    append_turn(old, "grebe three", "ok")
    _written_days_ago(old, 2)
    assert len(search(home, "grebe")) == 3
    append_turn(
        old, "loon", "ok"
    )  # an old session grown without a live update: left to a full scan
    assert search(home, "loon") == []
    index = SessionIndex(home)
    index.refresh()
    index.close()
    assert len(search(home, "loon")) == 1
    second.unlink()
    assert sorted(h.path for h in search(home, "grebe")) == sorted([first, old])


def test_a_session_appended_after_the_last_search_is_found_without_a_live_update(
    home: Path, tmp_path: Path
) -> None:
    """Written to today (another lha whose live update was lost, the Codex CLI): re-read."""
    path = new_rollout(home, tmp_path)
    append_turn(path, "grebe", "ok")
    assert [h.turn for h in search(home, "grebe")] == [0]
    append_turn(path, "then the shearwater", "ok")
    assert [h.turn for h in search(home, "shearwater")] == [1]


def test_a_fifo_or_link_named_like_a_rollout_is_skipped_not_waited_on(
    home: Path, tmp_path: Path
) -> None:
    real = new_rollout(home, tmp_path)
    append_turn(real, "petrel", "ok")
    folder = real.parent
    os.mkfifo(folder / "rollout-2026-01-01T00-00-00-0190a1b2-0000-7000-8000-000000000001.jsonl")
    (folder / "rollout-2026-01-01T00-00-00-0190a1b2-0000-7000-8000-000000000002.jsonl").symlink_to(
        real
    )
    assert [h.path for h in search(home, "petrel")] == [real]
    index = SessionIndex(home)
    fifo = next(folder.glob("*-000000000001.jsonl"))
    assert index.update_rollout(fifo) == 0
    index.close()
    connection = sqlite3.connect(index_path(home))
    assert connection.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_a_bulk_build_extracts_in_a_second_process_and_indexes_the_same(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.index import bulk, updater

    for n in range(5):
        path = new_rollout(home, tmp_path)
        append_turn(path, f"question {n} about the avocet", "ok", tool_output=f"avocet {n}")
    monkeypatch.setattr(bulk, "BULK_BYTES", 0)
    monkeypatch.setattr(updater, "BATCH_FILES", 2)

    def not_inline(*args: object) -> None:
        raise AssertionError("a bulk job extracts in the worker process")

    monkeypatch.setattr(bulk, "_inline", not_inline)
    hits = search(home, "avocet", limit=50)
    assert sorted(hit.snippet.text for hit in hits) == [
        f"question {n} about the avocet" for n in range(5)
    ]
    connection = sqlite3.connect(index_path(home))
    assert connection.execute("SELECT count(*) FROM messages").fetchone()[0] == 15


def test_a_bulk_job_sets_the_fts_options_of_an_index_made_with_older_ones(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.index import bulk
    from core.index.schema import FTS_OPTIONS

    path = new_rollout(home, tmp_path)
    append_turn(path, "question about the dunlin", "ok")
    assert search(home, "dunlin")
    connection = sqlite3.connect(index_path(home), isolation_level=None)
    connection.execute("INSERT INTO message_text(message_text, rank) VALUES ('automerge', 4)")
    connection.execute("DELETE FROM message_text_config WHERE k = 'hashsize'")
    append_turn(path, "another question about the dunlin", "ok")
    monkeypatch.setattr(bulk, "BULK_BYTES", 0)
    assert len(search(home, "dunlin", limit=5)) == 1
    options = dict(connection.execute("SELECT k, v FROM message_text_config"))
    assert {name: options.get(name) for name, _ in FTS_OPTIONS} == dict(FTS_OPTIONS)
    connection.close()


def _fts_options(home: Path) -> dict[str, int]:
    connection = sqlite3.connect(index_path(home))
    try:
        return dict(connection.execute("SELECT k, v FROM message_text_config"))
    finally:
        connection.close()


def test_a_first_bulk_build_merges_at_its_end_and_leaves_automatic_merging_on(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It builds with automatic merging off and optimizes once; a later job merges as usual."""
    from core.index import bulk, updater
    from core.index.schema import FTS_OPTIONS

    for n in range(4):
        append_turn(new_rollout(home, tmp_path), f"question {n} about the whimbrel", "ok")
    monkeypatch.setattr(bulk, "BULK_BYTES", 0)
    monkeypatch.setattr(updater, "BATCH_FILES", 1)
    automerge_while_writing: list[int] = []
    index_rollout = updater.index_rollout

    def watched(connection: sqlite3.Connection, *args: object) -> int:
        row = connection.execute("SELECT v FROM message_text_config WHERE k = 'automerge'")
        automerge_while_writing.append(row.fetchone()[0])
        return index_rollout(connection, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(updater, "index_rollout", watched)
    assert len(search(home, "whimbrel", limit=10)) == 4
    assert automerge_while_writing == [0, 0, 0, 0]
    assert _fts_options(home)["automerge"] == dict(FTS_OPTIONS)["automerge"]


def test_a_first_bulk_build_that_fails_leaves_automatic_merging_on(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.index import bulk, updater
    from core.index.schema import FTS_OPTIONS

    append_turn(new_rollout(home, tmp_path), "question about the godwit", "ok")
    monkeypatch.setattr(bulk, "BULK_BYTES", 0)

    def broken(*args: object) -> int:
        raise RuntimeError("the build stops here")

    monkeypatch.setattr(updater, "index_rollout", broken)
    index = SessionIndex(home)
    with pytest.raises(RuntimeError):
        index.refresh()
    index.close()
    assert _fts_options(home)["automerge"] == dict(FTS_OPTIONS)["automerge"]


@pytest.mark.parametrize(
    ("output", "text"),
    [
        ("plain", "plain"),
        ([{"type": "input_text", "text": "a"}, {"type": "input_image", "image_url": "x"}], "a"),
        ({"content": [{"type": "input_text", "text": "b"}], "success": True}, "b"),
        ({"content": "c", "success": False}, "c"),
    ],
)
def test_codex_tool_output_of_every_shape_is_tool_text(output: object, text: str) -> None:
    """The Codex CLI's call outputs: a string, content parts, or both inside an object."""
    from core.index.extract import Role, line_text

    for kind in ("function_call_output", "custom_tool_call_output"):
        payload = {"type": kind, "call_id": "call_1", "output": output}
        record = {"timestamp": "t", "type": "response_item", "payload": payload}
        found = line_text(json.dumps(record, separators=(",", ":")).encode())
        assert found is not None and (found.role, found.text) == (Role.TOOL, text)
