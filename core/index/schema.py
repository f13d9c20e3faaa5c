"""The search index's tables, in one place.

``message_text`` is a *contentless* FTS5 table: it holds the inverted index only, not the text,
which is what keeps the index a fraction of the rollouts' size. The text of a hit is read back
from its rollout line (``messages.offset``/``length``) to cut a snippet: rollouts are the truth
and only ever grow, so the bytes at a stored offset never change. Tool output goes in its own
column so ``bm25`` can weigh it lower than what the user and the assistant said.

SQLite 3.40 has no ``contentless_delete``; removing a session's rows replays its text as FTS5
``delete`` commands when the rollout is still there, and otherwise leaves the terms behind
(unreachable: nothing in ``messages`` points at them) and counts them, so the index is rebuilt
once they pile up.
"""

from __future__ import annotations

import sqlite3
from enum import IntEnum

SCHEMA_VERSION = 4
"""Bump when the tables or what is indexed change: an index of another version is rebuilt."""
APPLICATION_ID = 0x6C686169
"""``PRAGMA application_id`` of an lha index ('lhai'), to tell it from a foreign database."""

TOKENIZER = "unicode61 remove_diacritics 2"
TOOL_WEIGHT = 0.3
"""bm25 weight of the tool-output column against 1.0 for what the user and assistant said."""

FTS_OPTIONS = (("automerge", 16), ("crisismerge", 64), ("hashsize", 16 * 1024 * 1024))
"""FTS5 merges its segments less eagerly than by default (4 and 16), and a transaction's terms
gather in a hash of 16 MB (default 1 MB) before they are written out as a segment: a big
transaction writes a few large segments instead of many small ones that then have to be merged.
Measured on a first build of 1 GB: the writer's CPU from 17.7 s to 12.5 s, the index the same
size, a warm search as fast (its fastest run 53 ms against 55 ms), the writer's peak memory
11 MB higher (the hash is written out at every commit, or sooner when full)."""

_TABLES = (
    """CREATE TABLE IF NOT EXISTS sessions(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        thread_id TEXT NOT NULL DEFAULT '',
        cwd TEXT NOT NULL DEFAULT '',
        preview TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT '',
        updated_ns INTEGER NOT NULL DEFAULT 0,
        archived INTEGER NOT NULL DEFAULT 0,
        indexed_bytes INTEGER NOT NULL DEFAULT 0,
        user_turns INTEGER NOT NULL DEFAULT 0,
        source INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS sessions_by_thread ON sessions(thread_id)",
    "CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions(updated_ns)",
    """CREATE TABLE IF NOT EXISTS messages(
        id INTEGER PRIMARY KEY,
        session INTEGER NOT NULL,
        turn INTEGER NOT NULL,
        role INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session)",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS message_text USING fts5(
        body, tool_body, content='', tokenize='{TOKENIZER}'
    )""",
    "CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS folders(path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL)",
)
_DROPS = (
    "DROP TABLE IF EXISTS message_text",
    "DROP TABLE IF EXISTS messages",
    "DROP TABLE IF EXISTS sessions",
    "DROP TABLE IF EXISTS counters",
    "DROP TABLE IF EXISTS folders",
)


class Source(IntEnum):
    """Which program wrote a session's rollout (``sessions.source``)."""

    LHA = 0
    CODEX = 1
    """The Codex CLI, under ``$CODEX_HOME/sessions``: indexed read-only."""

    @property
    def label(self) -> str:
        return self.name.lower()


ORPHAN_COUNTER = "orphan_rows"
"""FTS rows left behind by sessions whose rollout vanished before its rows could be deleted."""


def create_tables(connection: sqlite3.Connection) -> None:
    """Create every table (idempotent) and stamp the file as an lha index of this version."""
    for statement in _TABLES:
        connection.execute(statement)
    apply_fts_options(connection)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def apply_fts_options(connection: sqlite3.Connection, merge: bool = True) -> None:
    """Set ``FTS_OPTIONS`` (stored in the index): at creation, and before a bulk job, so an index
    made with older options builds as fast as a new one (the options change no stored row).
    ``merge=False`` turns automatic merging off, for a job that merges everything at its end."""
    for option, value in FTS_OPTIONS:
        value = value if merge or option != "automerge" else 0
        connection.execute(
            "INSERT INTO message_text(message_text, rank) VALUES (?, ?)", (option, value)
        )


def drop_tables(connection: sqlite3.Connection) -> None:
    """Remove lha's tables (an older schema's), keeping the file and its WAL set-up."""
    for statement in _DROPS:
        connection.execute(statement)


def read_counter(connection: sqlite3.Connection, name: str) -> int:
    row = connection.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else 0


def write_counter(connection: sqlite3.Connection, name: str, value: int) -> None:
    connection.execute(
        "INSERT INTO counters(name, value) VALUES (?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (name, value),
    )
