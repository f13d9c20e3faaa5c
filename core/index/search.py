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

from core.index.extract import Role, line_text
from core.index.query import SearchQuery
from core.index.scan import open_regular_file
from core.index.schema import TOOL_WEIGHT, Source
from core.index.snippet import Snippet, make_snippet, matches_every_term
from core.records import TYPE_CHECKING, Record

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    Row = tuple[Any, ...]

_IN_SCOPE = """s.thread_id != ''
  AND (:archived OR s.archived = 0)
  AND (:codex OR s.source = 0)
  AND (:cwd IS NULL OR s.cwd = :cwd OR substr(s.cwd, 1, length(:below)) = :below)"""
_SESSION_COLUMNS = (
    "s.path, s.thread_id, s.cwd, s.preview, s.created_at, s.updated_ns, s.archived, s.source"
)
_TURN_COLUMN = len(_SESSION_COLUMNS.split(","))

_NAMED_SQL = f"""
SELECT {_SESSION_COLUMNS} FROM sessions AS s
WHERE s.thread_id IN (SELECT value FROM json_each(:ids)) AND {_IN_SCOPE}
ORDER BY s.updated_ns DESC
LIMIT :limit
"""

_SQL_TEMPLATE = f"""
WITH matched AS MATERIALIZED (
    SELECT rowid AS id, bm25(message_text, 1.0, {TOOL_WEIGHT}) AS score
    FROM message_text WHERE message_text MATCH :expression
    {{candidates}}
)
SELECT {_SESSION_COLUMNS}, m.turn, m.role, m.offset, m.length, min(matched.score) AS best,
    (SELECT max(score) FROM matched), (SELECT count(*) FROM matched)
FROM matched
JOIN messages AS m ON m.id = matched.id
JOIN sessions AS s ON s.id = m.session
WHERE {_IN_SCOPE}
GROUP BY s.id
ORDER BY best, s.updated_ns DESC
LIMIT :limit
"""
_SQL = _SQL_TEMPLATE.format(candidates="")
_TOP_SQL = _SQL_TEMPLATE.format(candidates="ORDER BY score LIMIT :candidates")
CANDIDATES_PER_HIT = 4
"""Best-scored messages looked up per hit wanted, before all of them are (see ``_ranked``)."""
_BEST_COLUMN = _TURN_COLUMN + 4


class SearchHit(Record):
    thread_id: str
    rollout: str
    """The rollout file (``path`` as a ``Path``): ``lha search`` prints it without pathlib."""
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

    @property
    def path(self) -> Path:
        from pathlib import Path

        return Path(self.rollout)


class SearchScope(Record):
    cwd: Path | str | None
    """Only sessions started in this folder or below; None for every session."""
    include_archived: bool = False
    limit: int = 20
    include_codex: bool = True
    """The Codex CLI's sessions, when they are indexed (see ``SessionIndex``)."""


def _folder_prefix(cwd: Path | str) -> str:
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
    widened = {**parameters, "limit": max(1, scope.limit) + len(hits)}
    for row in _ranked(connection, widened):
        if len(hits) >= scope.limit:
            break
        if row[1] in named:
            continue
        hit = _hit(row, query)
        if hit is None:
            vanished.append(row[0])
        else:
            hits.append(hit)
    return hits, vanished


def _ranked(connection: sqlite3.Connection, parameters: dict[str, object]) -> list[Row]:
    """The sessions' best messages, best first: from the best-scored few messages when they
    settle the ranking, else from every match.

    Each match costs a lookup of its message and session, and a common word matches
    thousands. A session whose best message is among the ``candidates`` best-scored has its
    true best score; any other scores at least the worst candidate's. So when enough sessions
    score strictly better than that worst candidate (or every match was a candidate), the
    ranking is settled; otherwise (ties, a narrow folder, many hits in a few sessions) every
    match is ranked."""
    wanted = int(str(parameters["limit"]))
    candidates = CANDIDATES_PER_HIT * wanted
    rows: list[Row] = connection.execute(
        _TOP_SQL, {**parameters, "candidates": candidates}
    ).fetchall()
    if not rows:  # no match at all, or none of the candidates in scope: ask every match
        return list(connection.execute(_SQL, parameters).fetchall())
    cutoff, taken = rows[0][_BEST_COLUMN + 1], rows[0][_BEST_COLUMN + 2]
    if taken < candidates or (len(rows) >= wanted and rows[wanted - 1][_BEST_COLUMN] < cutoff):
        return rows
    return list(connection.execute(_SQL, parameters).fetchall())


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
        rollout=str(path),
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
