"""Opening ``$LHA_HOME/index.sqlite``, and healing it when it cannot be used as it is.

The index is derived data, so any trouble with it is fixed by rebuilding, never reported as an
error: a missing file is created; a corrupt or foreign file is replaced; an older schema is
dropped and recreated in place (inside a transaction, so other lha processes that have it open
stay safe); a file locked by another process for longer than ``LOCK_WAIT_SECONDS`` or a
read-only LHA_HOME gives an in-memory index for this process. Each case but the first yields one
warning for the caller to show.

WAL mode lets searches read while another process writes. Every connection is in autocommit
mode; writers use ``BEGIN IMMEDIATE`` so that reading a rollout's indexed offset and appending its
rows happen under one write lock.
"""

from __future__ import annotations

import os
import sqlite3

from core.index.schema import APPLICATION_ID, SCHEMA_VERSION, create_tables, drop_tables
from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

INDEX_FILE_NAME = "index.sqlite"
LOCK_WAIT_SECONDS = 3.0

_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_LOCKED_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_UNWRITABLE_CODES = {
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_AUTH,
}


class _ForeignDatabase(Exception):
    """``index.sqlite`` holds tables that are not lha's."""


class OpenedIndex:
    """A usable index connection and, when it had to be healed, the one warning to show."""

    __slots__ = ("connection", "path", "warning")

    def __init__(
        self, connection: sqlite3.Connection, path: str | None, warning: str | None = None
    ) -> None:
        self.connection = connection
        self.path = path
        """The file, or None for an in-memory index."""
        self.warning = warning


def index_path(lha_home: Path | str) -> Path:
    from pathlib import Path

    return Path(index_file(lha_home))


def index_file(lha_home: Path | str) -> str:
    """``index_path`` as text: ``lha search`` opens the index before pathlib is loaded."""
    return os.path.join(lha_home, INDEX_FILE_NAME)


def error_code(error: sqlite3.Error) -> int:
    """The primary SQLite result code of ``error`` (0 when unknown)."""
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def is_corruption(error: sqlite3.Error) -> bool:
    return error_code(error) in _CORRUPT_CODES


def is_lock_timeout(error: sqlite3.Error) -> bool:
    return error_code(error) in _LOCKED_CODES


def is_healable(error: sqlite3.Error) -> bool:
    """True for trouble with the file (not with lha's SQL): corrupt, locked, unwritable."""
    return error_code(error) in _CORRUPT_CODES | _LOCKED_CODES | _UNWRITABLE_CODES


def open_memory_index() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    create_tables(connection)
    return connection


def open_index(lha_home: Path | str) -> OpenedIndex:
    """The index of ``lha_home``, healed or replaced as the module docstring says."""
    path = index_file(lha_home)
    try:
        return _open_file(path)
    except _ForeignDatabase:
        return replace_damaged(path, "not an lha index")
    except sqlite3.DatabaseError as error:
        if is_corruption(error):
            return replace_damaged(path, "damaged")
        if not is_healable(error):
            raise
        return fall_back_to_memory(path, error)
    except OSError as error:
        return fall_back_to_memory(path, error)


def remove_index_files(path: Path | str) -> None:
    """Delete the database and its WAL and shared-memory files (missing ones are fine)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:  # noqa: SIM105 (``lha search`` loads this module, not contextlib)
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def replace_damaged(path: Path | str, why: str) -> OpenedIndex:
    try:
        remove_index_files(path)
        opened = _open_file(path)
    except (sqlite3.DatabaseError, OSError) as error:
        return fall_back_to_memory(path, error)
    opened.warning = f"the search index {path} was {why}; it is being rebuilt"
    return opened


def fall_back_to_memory(path: Path | str, error: BaseException) -> OpenedIndex:
    if isinstance(error, sqlite3.Error) and is_lock_timeout(error):
        why = f"is locked by another process for more than {LOCK_WAIT_SECONDS:g} s"
    else:
        why = f"cannot be written ({error}): is LHA_HOME read-only?"
    warning = f"the search index {path} {why}; searching from a temporary index in memory"
    return OpenedIndex(open_memory_index(), None, warning)


def _create_private_file(path: str) -> None:
    """Create the database file 0600 before SQLite does (it would use the umask); SQLite gives
    its WAL and shared-memory files the database file's permissions."""
    from pathlib import Path

    from core.fs import ensure_private_dir, open_private

    ensure_private_dir(Path(path).parent)
    os.close(open_private(Path(path), os.O_WRONLY))


def _open_file(path: Path | str) -> OpenedIndex:
    path = os.fspath(path)
    if not os.path.exists(path):
        _create_private_file(path)
    connection = sqlite3.connect(
        path, timeout=LOCK_WAIT_SECONDS, isolation_level=None, check_same_thread=False
    )
    try:
        warning = _prepare(connection, path)
    except BaseException:
        connection.close()
        raise
    return OpenedIndex(connection, path, warning)


def _prepare(connection: sqlite3.Connection, path: str) -> str | None:
    """Switch to WAL and make sure the schema is lha's current one; the warning, if healed."""
    application_id, version, tables = _identity(connection)
    if application_id == APPLICATION_ID and version == SCHEMA_VERSION:
        connection.execute("PRAGMA synchronous = NORMAL")
        return None
    if tables and application_id != APPLICATION_ID:
        raise _ForeignDatabase()
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"cannot switch {path} to WAL mode")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        application_id, version, tables = _identity(connection)  # another process may have won
        stale = bool(tables) and version != SCHEMA_VERSION
        if stale:
            drop_tables(connection)
        create_tables(connection)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    if stale:
        return f"the search index {path} was made by another lha version; it is being rebuilt"
    return None


def _identity(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """``(application_id, user_version, number of tables)`` of the open database."""
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return int(application_id), int(version), int(tables)
