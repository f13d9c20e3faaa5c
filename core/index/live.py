"""Keeping the index current while threads run: after each turn, off the event loop.

The agent calls ``rollout_saved(path)`` when a turn's lines are on disk; that only queues the
path (a repeated path is queued once) for a single worker thread, so the UI's event loop never
waits for SQLite. At exit the queue is drained (for at most ``DRAIN_SECONDS``): ``lha exec``
ends right after its turn, and searches trust these updates for rollouts they already know. A
failure is logged and forgotten: the next full refresh catches up.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from core.index.library import SessionIndex

log = logging.getLogger("lha.index")
DRAIN_SECONDS = 2.0


class LiveIndexer:
    """Queues index updates of rollouts that just grew, for one LHA_HOME."""

    def __init__(self, lha_home: Path) -> None:
        self._index = SessionIndex(lha_home)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lha-index")
        self._pending: set[Path] = set()
        self._lock = threading.Lock()
        self._warned = 0
        self._last: Future[None] | None = None

    def rollout_saved(self, path: Path) -> Future[None] | None:
        """Schedule indexing ``path``'s new lines; returns at once (None if already queued)."""
        path = Path(path)
        with self._lock:
            if path in self._pending:
                return None
            self._pending.add(path)
        self._last = self._executor.submit(self._update, path)
        return self._last

    def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait until every queued update is done (the worker runs them in order)."""
        last = self._last
        if last is not None:
            with contextlib.suppress(TimeoutError):
                last.result(timeout)

    def _update(self, path: Path) -> None:
        with self._lock:
            self._pending.discard(path)
        try:
            self._index.update_rollout(path)
        except (sqlite3.Error, OSError) as error:
            log.warning("search index not updated for %s: %s", path, error)
        for warning in self._index.warnings[self._warned :]:
            log.warning("%s", warning)
        self._warned = len(self._index.warnings)
        if self._index.in_memory:  # the file was locked or unwritable: try it again next time
            self._index.close()


_indexers: dict[Path, LiveIndexer] = {}
_indexers_lock = threading.Lock()


def live_indexer_for(lha_home: Path) -> LiveIndexer:
    """The process's one ``LiveIndexer`` for ``lha_home``."""
    key = Path(lha_home)
    with _indexers_lock:
        indexer = _indexers.get(key)
        if indexer is None:
            if not _indexers:
                atexit.register(_drain_all)
            indexer = _indexers[key] = LiveIndexer(key)
        return indexer


def _drain_all() -> None:
    for indexer in list(_indexers.values()):
        indexer.drain()
