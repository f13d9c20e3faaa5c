"""Running a search: best hit per session, ranked by bm25 then newest first.

A session matches when one of its messages holds every term; its hit is its best-ranked message
(tool output weighs less, see ``schema.TOOL_WEIGHT``). A session whose *name* holds every term
comes first, with role ``name`` (names live outside the index, see ``core.session_names``).
Sessions are limited to a folder and its subfolders unless asked for all, and archived ones are
left out unless asked for. The Codex CLI's sessions are in when indexed (their hits say so in
``origin``) unless the scope leaves them out.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from core.index.extract import Role, line_text
from core.index.query import SearchQuery
from core.index.scan import open_regular_file
from core.index.schema import TOOL_WEIGHT, Source
from core.index.snippet import Snippet, make_snippet, matches_every_term

_IN_SCOPE = """s.thread_id != ''
  AND (:archived OR s.archived = 0)
  AND (:codex OR s.source = 0)
  AND (:cwd IS NULL OR s.cwd = :cwd OR substr(s.cwd, 1, length(:below)) = :below)"""
_SESSION_COLUMNS = (
    "s.path, s.thread_id, s.cwd, s.preview, s.created_at, s.updated_ns, s.archived, s.source"
)
_TURN_COLUMN = len(_SESSION_COLUMNS.split(","))
_UPDATED = _SESSION_COLUMNS.split(", ").index("s.updated_ns")

_NAMED_SQL = f"""
SELECT {_SESSION_COLUMNS} FROM sessions AS s
WHERE s.thread_id IN (SELECT value FROM json_each(:ids)) AND {_IN_SCOPE}
ORDER BY s.updated_ns DESC
LIMIT :limit
"""

_RANKED_SQL = f"""
SELECT rowid, bm25(message_text, 1.0, {TOOL_WEIGHT}) AS score
FROM message_text WHERE message_text MATCH :expression
ORDER BY score
"""
_ROWS_SQL = f"""
SELECT m.id, m.session, {_SESSION_COLUMNS}, m.turn, m.role, m.offset, m.length
FROM messages AS m JOIN sessions AS s ON s.id = m.session
WHERE m.id IN (SELECT value FROM json_each(:ids)) AND {_IN_SCOPE}
"""
_FIRST_BATCH = 64
"""Matches looked up at first (in rank order); each next batch is twice as many. A common word
matches thousands of messages, and the best 20 sessions are nearly always among its first 64."""


class SearchHit(NamedTuple):
    thread_id: str
    path: Path
    preview: str
    """The session's first user message (first line), for sessions without a name."""
    cwd: str
    created_at: str
    updated_at: datetime
    archived: bool
    turn: int
    """0-based user turn the matching message belongs to (what ``lha fork --at`` takes)."""
    role: str
    """``user``, ``assistant``, ``tool``, or ``name`` when the session's name matched."""
    snippet: Snippet
    origin: str = Source.LHA.label
    """``lha``, or ``codex`` for a session the Codex CLI wrote (as in ``lha threads``)."""


class SearchScope(NamedTuple):
    cwd: Path | None
    """Only sessions started in this folder or below; None for every session."""
    include_archived: bool = False
    limit: int = 20
    include_codex: bool = True
    """The Codex CLI's sessions, when they are indexed (see ``SessionIndex``)."""


def _folder_prefix(cwd: Path) -> str:
    text = str(cwd)
    return text if text.endswith(os.sep) else text + os.sep


def run_search(
    connection: sqlite3.Connection,
    query: SearchQuery,
    scope: SearchScope,
    names: Mapping[str, str] | None = None,
) -> tuple[list[SearchHit], list[str]]:
    """The hits, and the rollouts that vanished since they were indexed (skipped)."""
    parameters: dict[str, object] = {
        "expression": query.fts_expression(),
        "archived": int(scope.include_archived),
        "codex": int(scope.include_codex),
        "cwd": str(scope.cwd) if scope.cwd is not None else None,
        "below": _folder_prefix(scope.cwd) if scope.cwd is not None else "",
        "limit": max(1, scope.limit),
    }
    hits = _name_hits(connection, query, names or {}, parameters)
    vanished: list[str] = []
    named = {hit.thread_id for hit in hits}
    rows = _best_per_session(connection, parameters, max(1, scope.limit) + len(hits))
    for row in rows:
        if len(hits) >= scope.limit:
            break
        if row[1] in named:
            continue
        hit = _hit(row, query)
        if hit is None:
            vanished.append(str(row[0]))
        else:
            hits.append(hit)
    return hits, vanished


def _best_per_session(
    connection: sqlite3.Connection, parameters: dict[str, object], limit: int
) -> list[tuple[object, ...]]:
    """The ``limit`` best sessions in scope: each one's best-ranked message (lowest bm25), by
    that score, newer first on ties.

    bm25 is computed for every match, but matches are looked up in ``messages`` and
    ``sessions`` (and kept to the scope) in rank order, a batch at a time, only until
    ``limit`` sessions are found and no later match can tie with the last: a session's first
    match in rank order is its best. Joining every match first and grouping took twice as long
    at 1 GB, where a common word matches thousands of messages.
    """
    ranked = connection.execute(_RANKED_SQL, parameters)
    try:
        return _in_rank_order(_first_sessions(connection, ranked, parameters, limit), limit)
    finally:
        ranked.close()  # ends its read of the index even when the best were found early


def _first_sessions(
    connection: sqlite3.Connection,
    ranked: sqlite3.Cursor,
    parameters: dict[str, object],
    limit: int,
) -> dict[object, tuple[float, tuple[object, ...]]]:
    """Sessions in scope by their first (best) match in ``ranked``: ``limit`` of them and any
    tied with the last, looked up a batch at a time (a prefix* can match most messages)."""
    best: dict[object, tuple[float, tuple[object, ...]]] = {}
    cutoff: float | None = None
    size = _FIRST_BATCH
    while batch := ranked.fetchmany(size):
        lookup = {**parameters, "ids": json.dumps([rowid for rowid, _ in batch])}
        found = {row[0]: (row[1], row[2:]) for row in connection.execute(_ROWS_SQL, lookup)}
        for rowid, score in batch:
            if cutoff is not None and score > cutoff:
                return best
            session, row = found.get(rowid, (None, ()))
            if session is None or session in best:
                continue
            best[session] = (score, row)
            if len(best) == limit:
                cutoff = score
        size *= 2
    return best


def _in_rank_order(
    best: dict[object, tuple[float, tuple[object, ...]]], limit: int
) -> list[tuple[object, ...]]:
    ordered = sorted(best.values(), key=lambda entry: (entry[0], -int(str(entry[1][_UPDATED]))))
    return [row for _, row in ordered[:limit]]


def _name_hits(
    connection: sqlite3.Connection,
    query: SearchQuery,
    names: Mapping[str, str],
    parameters: dict[str, object],
) -> list[SearchHit]:
    matching = [tid for tid, name in names.items() if matches_every_term(name, query.terms)]
    if not matching:
        return []
    rows = connection.execute(_NAMED_SQL, {**parameters, "ids": json.dumps(matching)})
    return [
        _session_hit(row, turn=0, role="name", snippet=make_snippet(names[row[1]], query.terms))
        for row in rows
    ]


def _read_line(path: str, offset: int, length: int) -> bytes | None:
    try:
        fd = open_regular_file(path)
    except OSError:
        return None
    try:
        return os.pread(fd, length, offset)
    except OSError:
        return None
    finally:
        os.close(fd)


def _hit(row: tuple[object, ...], query: SearchQuery) -> SearchHit | None:
    path, turn, role, offset, length = row[0], *row[_TURN_COLUMN : _TURN_COLUMN + 4]
    assert isinstance(path, str) and isinstance(offset, int) and isinstance(length, int)
    raw = _read_line(path, offset, length)
    found = line_text(raw) if raw is not None else None
    if found is None:
        return None
    label = Role(int(str(role))).label
    return _session_hit(row, int(str(turn)), label, make_snippet(found.text, query.terms))


def _session_hit(row: Sequence[object], turn: int, role: str, snippet: Snippet) -> SearchHit:
    path, thread_id, cwd, preview, created, updated_ns, archived, source = row[:_TURN_COLUMN]
    return SearchHit(
        thread_id=str(thread_id),
        path=Path(str(path)),
        preview=str(preview),
        cwd=str(cwd),
        created_at=str(created),
        updated_at=datetime.fromtimestamp(int(str(updated_ns)) / 1e9, UTC),
        archived=bool(archived),
        turn=turn,
        role=role,
        snippet=snippet,
        origin=Source(int(str(source))).label,
    )
