"""The engine side of the search screen: the index brought up to date in the background, and
searches over what it holds meanwhile.

Two ``SessionIndex`` handles, two SQLite connections: the *builder* refreshes in a thread of its
own (the first build of a large library takes a while; a later one only reads what was appended)
and commits a batch at a time, while the *reader* answers the screen's searches from whatever
is committed, so hits show during the build (WAL lets one connection read while another writes).
Searches never refresh: the screen's opening did. When this process could only have an index in
memory (a read-only LHA_HOME), the builder's is the only one that holds anything, so searches
go there once it is built.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from core.errors import InvalidRequest
from core.index.library import SessionIndex
from core.index.query import parse_query
from core.index.search import SearchScope
from core.session_names import read_names
from tui.screens.session_search import IndexProgress, SearchOutcome, SearchRequest

HIT_LIMIT = 20
"""Hits shown at most, as many as `lha search` prints by default: each costs a read of its
rollout line and a snippet, within the keystroke-to-screen figure."""
OPEN_WAIT_S = 10.0
"""How long a search waits for the builder to have opened (and created) the index file."""


class _Stopped(Exception):
    """Raised from the progress callback to end a build early (the app is closing)."""


class LibrarySearch:
    """Implements the search screen's ``Searcher`` for one LHA_HOME; thread-safe."""

    def __init__(self, lha_home: Path, cwd: Path) -> None:
        self.lha_home = Path(lha_home)
        self.cwd = Path(cwd)
        self.folder = str(self.cwd)
        self._builder = SessionIndex(self.lha_home)
        self._reader = SessionIndex(self.lha_home)
        self._opened = threading.Event()
        """Set once the builder has opened the file: the reader must not race it to create the
        tables of a new index."""
        self._state = threading.Lock()
        self._progress: IndexProgress | None = None
        self._thread: threading.Thread | None = None
        self._failure: str | None = None
        self._stopping = False

    # -- the build -----------------------------------------------------------------------------

    def start_refresh(self) -> None:
        """Bring the index up to date in a background thread, unless one is doing so already.

        A daemon thread, not the loop's executor: quitting lha must not wait for a first build
        (an interrupted build keeps its committed batches and goes on next time).
        """
        with self._state:
            if self._thread is not None and self._thread.is_alive():
                return
            self._progress = IndexProgress(0, 0, running=True)
            self._thread = threading.Thread(
                target=self._refresh, name="lha-index-build", daemon=True
            )
            self._thread.start()

    def _refresh(self) -> None:
        try:
            self._builder.open_file_only()
            self._opened.set()
            self._builder.refresh(self._record, full=False)
        except _Stopped:
            pass
        except (sqlite3.Error, OSError) as error:
            self._failure = f"the search index could not be brought up to date: {error}"
        finally:
            self._opened.set()
            with self._state:
                last = self._progress or IndexProgress(0, 0, running=True)
                self._progress = IndexProgress(last.done_bytes, last.total_bytes, running=False)

    def _record(self, done: int, total: int) -> None:
        """The build's progress callback, called after each committed batch."""
        if self._stopping:
            raise _Stopped()
        with self._state:
            self._progress = IndexProgress(done, total, running=True)

    def progress(self) -> IndexProgress | None:
        with self._state:
            return self._progress

    def wait_for_refresh(self, timeout: float | None = None) -> None:
        """Block until the background refresh (if any) is done (tests, benchmarks)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    # -- searching -----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchOutcome:
        """The request's hits among what is indexed now; a query with nothing to search for
        (``"``, ``*``, ``AND``) is one line saying what to type."""
        try:
            query = parse_query(request.text)
        except InvalidRequest as error:
            return SearchOutcome(problem=str(error))
        self._opened.wait(OPEN_WAIT_S)
        scope = SearchScope(
            cwd=None if request.all_folders else self.cwd,
            include_archived=request.archived,
            limit=HIT_LIMIT,
        )
        names = read_names(self.lha_home)
        hits, vanished = self._index().search_indexed(query, scope, names)
        return SearchOutcome(hits, names, self._problem(vanished))

    def _index(self) -> SessionIndex:
        progress = self.progress()
        built = progress is not None and not progress.running
        return self._builder if built and self._builder.in_memory else self._reader

    def _problem(self, vanished: list[str]) -> str | None:
        notes = [*self._builder.warnings, *self._reader.warnings]
        if self._failure is not None:
            notes.append(self._failure)
        if vanished:
            notes.append(f"skipped {len(vanished)} session(s) whose file disappeared")
        return "; ".join(dict.fromkeys(notes)) or None

    def close(self) -> None:
        """Stop a running build after its current batch; close the reader's connection."""
        self._stopping = True
        self._reader.close()
        thread = self._thread
        if thread is None or not thread.is_alive():
            self._builder.close()
