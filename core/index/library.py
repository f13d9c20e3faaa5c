"""One process's handle on the search index: open on first use, heal on trouble, then act.

Every operation runs through ``_with_healing``: if SQLite reports the file corrupt midway, it is
replaced and the operation runs again on the new index; if another process holds the write lock
for too long, or the folder turns out read-only, this process carries on with an in-memory index
built from the rollouts. Warnings collect in ``warnings`` (at most one per cause), for the caller
to show once.

The Codex CLI's sessions (``$CODEX_HOME/sessions``) are indexed beside lha's unless
``codex_sessions = false`` in config.toml; they are only ever read.
"""

from __future__ import annotations

import os
import sqlite3
from _thread import RLock  # threading's RLock, without importing threading (~1.5 ms a search)
from collections.abc import Callable, Mapping

from core.index import database, updater
from core.index.query import SearchQuery
from core.index.search import SearchHit, SearchScope, run_search
from core.index.updater import Progress, RefreshReport
from core.path_text import path_text
from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Literal, TypeVar

    _T = TypeVar("_T")


class SessionIndex:
    """The index of one LHA_HOME. Methods block (run them off the event loop); thread-safe."""

    def __init__(
        self,
        lha_home: Path | str,
        codex_sessions: Path | Literal["config"] | None = "config",
    ) -> None:
        """``codex_sessions``: the Codex CLI's sessions folder to index too, None for none, or
        ``"config"``: the one of ``$CODEX_HOME`` unless config.toml turns it off."""
        self.lha_home = path_text(os.fspath(lha_home))
        """As text, spelled as ``pathlib`` spells it (``lha search`` does not load pathlib)."""
        self._codex_sessions: Path | str | Literal["config"] | None = codex_sessions
        self.warnings: list[str] = []
        self._opened: database.OpenedIndex | None = None
        self._lock = RLock()

    @property
    def codex_root(self) -> Path | str | None:
        """The Codex CLI's sessions folder this index covers (read on first use), or None."""
        if self._codex_sessions == "config":
            from core.rollout.codex_home import codex_index_root

            self._codex_sessions = codex_index_root(self.lha_home)
        return self._codex_sessions

    @property
    def in_memory(self) -> bool:
        return self._opened is not None and self._opened.path is None

    def refresh(self, progress: Progress | None = None, full: bool = True) -> RefreshReport:
        """Index whatever was appended to any rollout since the last refresh; ``full=False``
        trusts live updates for rollouts already indexed (see ``updater``)."""
        return self._with_healing(
            lambda c: updater.refresh(c, self.lha_home, progress, full, self.codex_root)
        )

    def update_rollout(self, path: Path) -> int:
        """Index one rollout's new lines (a live thread's turn); returns the bytes read."""
        if self.in_memory:
            return 0  # a memory index is rebuilt by the next refresh anyway
        return self._with_healing(lambda c: updater.update_rollout(c, self.lha_home, path))

    def forget_rollout(self, path: Path) -> None:
        """Drop a rollout's rows; call before deleting or moving it away for good."""
        self._with_healing(lambda c: updater.forget_rollout(c, path))

    def search(
        self,
        query: SearchQuery,
        scope: SearchScope,
        progress: Progress | None = None,
        names: Mapping[str, str] | None = None,
    ) -> tuple[list[SearchHit], list[str]]:
        """Refresh (quickly), then the hits and the rollouts that vanished meanwhile;
        ``names`` (thread id to session name) lets names match too."""
        self.refresh(progress, full=False)
        return self.search_indexed(query, scope, names)

    def search_indexed(
        self,
        query: SearchQuery,
        scope: SearchScope,
        names: Mapping[str, str] | None = None,
    ) -> tuple[list[SearchHit], list[str]]:
        """Like ``search``, over what is indexed now, without looking for new rollouts first:
        for a screen that refreshes in another ``SessionIndex`` (another connection) and shows
        the hits found so far while that build runs."""
        if self.codex_root is None:
            scope = scope._replace(include_codex=False)
        return self._with_healing(lambda c: run_search(c, query, scope, names))

    def open_file_only(self) -> bool:
        """Open (and heal) the index file; False, with nothing left open, when this process
        could only have a memory index (locked or read-only): live updates then wait."""
        with self._lock:
            self._connection()
            if self.in_memory:
                self.close()
                return False
            return True

    def close(self) -> None:
        with self._lock:
            if self._opened is not None:
                self._opened.connection.close()
                self._opened = None

    # -- healing -----------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._opened is None:
            self._adopt(database.open_index(self.lha_home))
        assert self._opened is not None
        return self._opened.connection

    def _adopt(self, opened: database.OpenedIndex) -> None:
        self._opened = opened
        if opened.warning and opened.warning not in self.warnings:
            self.warnings.append(opened.warning)

    def _with_healing(self, action: Callable[[sqlite3.Connection], _T]) -> _T:
        with self._lock:
            try:
                return action(self._connection())
            except sqlite3.DatabaseError as error:
                if not database.is_healable(error) or self.in_memory:
                    raise
                self._heal(error)
            connection = self._connection()
            if self.in_memory:
                updater.refresh(connection, self.lha_home, codex_root=self.codex_root)
            return action(connection)

    def _heal(self, error: sqlite3.DatabaseError) -> None:
        """Replace a corrupt file; otherwise (locked, read-only) fall back to memory."""
        path = database.index_path(self.lha_home)
        if self._opened is not None:
            self._opened.connection.close()
        if database.is_corruption(error):
            self._adopt(database.replace_damaged(path, "damaged"))
        else:
            self._adopt(database.fall_back_to_memory(path, error))
