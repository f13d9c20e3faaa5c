"""Keeping the index current while threads run: after each turn, off the event loop.

The agent calls ``rollout_saved(path)`` when a turn's lines are on disk; that only queues the
path (a repeated path is queued once) for the process's one indexing thread, so the UI's event
loop never waits for SQLite. The index is opened for each update and closed after it, so a
process that ran threads in many homes (a test run) holds no connection or thread per home. At
exit the queue is drained (for at most ``DRAIN_SECONDS``): ``lha exec`` ends right after its turn,
and searches trust these updates for rollouts they already know. A rollout that ``lha exec``
created itself (a new thread, a fork) is not queued at all: the next search's quick refresh
lists it as a new file and indexes it whole, so the one-shot command does not wait for that
(``ThreadManager(index_new_rollouts=False)``). A failure is logged and forgotten: the next full
refresh catches up.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from core.index.library import SessionIndex

log = logging.getLogger("lha.index")
DRAIN_SECONDS = 2.0


class LiveIndexer:
    """Queues index updates of rollouts that just grew, for one LHA_HOME."""

    def __init__(self, lha_home: Path) -> None:
        self.lha_home = Path(lha_home)
        self._pending: set[Path] = set()
        self._lock = threading.Lock()

    def rollout_saved(self, path: Path) -> Future[None] | None:
        """Schedule indexing ``path``'s new lines; returns at once (None if already queued)."""
        path = Path(path)
        with self._lock:
            if path in self._pending:
                return None
            self._pending.add(path)
        return _submit(self._update, path)

    def _update(self, path: Path) -> None:
        with self._lock:
            self._pending.discard(path)
        index = SessionIndex(self.lha_home)
        try:
            if index.open_file_only():
                index.update_rollout(path)
        except (sqlite3.Error, OSError) as error:
            log.warning("search index not updated for %s: %s", path, error)
        finally:
            index.close()
        for warning in index.warnings:
            log.warning("%s", warning)


_executor: ThreadPoolExecutor | None = None
_last: Future[None] | None = None
_indexers: dict[Path, LiveIndexer] = {}
_state_lock = threading.Lock()


def _submit(update: Callable[[Path], None], path: Path) -> Future[None]:
    global _executor, _last
    with _state_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lha-index")
            atexit.register(drain)
        _last = _executor.submit(update, path)
        return _last


def drain(timeout: float = DRAIN_SECONDS) -> None:
    """Wait until every queued update is done (the one worker runs them in order)."""
    last = _last
    if last is not None:
        with contextlib.suppress(TimeoutError):
            last.result(timeout)


def live_indexer_for(lha_home: Path) -> LiveIndexer:
    """The process's one ``LiveIndexer`` for ``lha_home``."""
    key = Path(lha_home)
    with _state_lock:
        indexer = _indexers.get(key)
        if indexer is None:
            indexer = _indexers[key] = LiveIndexer(key)
        return indexer
