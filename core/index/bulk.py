"""Making a big index job (a first build of thousands of sessions) fast.

Indexing has two halves: extracting the text of each rollout line (Python: JSON, secret
masking) and writing it into FTS5 (SQLite). Threads cannot overlap them: each row SQLite writes
releases and retakes the GIL, which a busy extraction thread holds, so the writer stalls on
every row. A job of at least ``BULK_BYTES`` therefore extracts in a second *process* (a fresh
interpreter: it shares nothing with a running UI) about a batch ahead of the writer, which then
only writes; smaller jobs (a search's refresh, a live update) extract inline, where starting a
process would cost more than it saves.

Where a first build of 1 GB (10,000 sessions, ``tests/bench/bench_search.py``) spends its CPU:
the writer ~12-13 s, nearly all in SQLite (adding rows to FTS5's hash ~7 s, writing and
merging segments ~4 s, see ``bulk_writing``, the ``messages`` rows 0.3 s), unpickling and
Python ~1.5 s;
the extractor ~5.5 s (JSON ~2.8 s). The writer waits for its batches ~1.2 s in all (mostly
the answers crossing the pipe; the first batch, 1 MB, comes after ~0.1 s), so on two idle
cores the build runs at the writer's pace; the rest of any gap between wall time and the
writer's CPU is other processes taking the CPU (on a shared machine at load 3 to 5, the same
build took 19 to 31 s). FTS5 options that would write less were measured and left out:
``detail=column`` or ``none`` would save only 19% or 31% of the adding but make ``bm25``
return 0 on a contentless table (and forbid phrase queries), ``journal_mode=OFF`` saved
nothing measurable against WAL with ``synchronous`` OFF, a larger ``pgsz`` or ``mmap_size``
neither. A wider pipe (``_widen_pipe``) with a worker that keeps two batches ready
(``extract_worker``) cut the waits by about a third.

While a bulk job writes, ``synchronous`` is OFF and the page cache is larger. In WAL mode that
can lose the last transactions only if the machine itself goes down, never on a crash of lha;
the index is derived data, and a damaged one is rebuilt (``database``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import IO

from core.index.ingest import PreparedRollout, prepare_rollout
from core.index.scan import RolloutFile
from core.index.schema import apply_fts_options

BULK_BYTES = 48 * 1024 * 1024
_BULK_CACHE_KIB = 64 * 1024
_PIPE_BYTES = 1024 * 1024

Batch = list[RolloutFile]
Prepared = list[PreparedRollout | None]


def prepare_batch(batch: Batch, starts: dict[str, int]) -> Prepared:
    """Read and extract every rollout of ``batch`` from its indexed offset."""
    return [prepare_rollout(rollout, starts.get(rollout.path, 0)) for rollout in batch]


def _inline(batches: list[Batch], starts: dict[str, int]) -> Iterator[Prepared]:
    for batch in batches:
        yield prepare_batch(batch, starts)


def _starts_of(batch: Batch, starts: dict[str, int]) -> dict[str, int]:
    return {rollout.path: starts[rollout.path] for rollout in batch if rollout.path in starts}


class _Extractor:
    """``python -m core.index.extract_worker``: batches in on its stdin, extracted batches out
    on its stdout (pickles; it is this same program). A pipe holds little, so the worker stays
    about one batch ahead of the writer: enough to overlap, and memory stays bounded."""

    def __init__(self, batches: list[Batch], starts: dict[str, int]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "core.index.extract_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a crash must not print over a running UI: see results
            env={**os.environ, "PYTHONPATH": _import_path()},
        )
        _widen_pipe(self._process.stdout)
        requests = [(batch, _starts_of(batch, starts)) for batch in batches]
        self._feeder = threading.Thread(
            target=self._feed, args=(requests,), name="lha-index-feed", daemon=True
        )
        self._feeder.start()

    def _feed(self, requests: list[tuple[Batch, dict[str, int]]]) -> None:
        pipe = self._process.stdin
        assert pipe is not None
        # OSError, ValueError: the worker ended early (``results`` carries on without it)
        with contextlib.suppress(OSError, ValueError), pipe:
            for request in requests:
                pickle.dump(request, pipe, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.flush()

    def results(self, batches: list[Batch], starts: dict[str, int]) -> Iterator[Prepared]:
        pipe = self._process.stdout
        assert pipe is not None
        for number, batch in enumerate(batches):
            try:
                prepared = pickle.load(pipe)
            except Exception:  # the worker died or could not start: carry on without it
                yield from _inline(batches[number:], starts)
                return
            yield prepared if _fits(prepared, batch) else prepare_batch(batch, starts)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


def _widen_pipe(pipe: IO[bytes] | None) -> None:
    """Answers come through a pipe of 1 MB instead of 64 KB where the system allows it (Linux):
    a batch of ~10 MB then crosses in a few writes rather than ~160 turns of both processes."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)  # type: ignore[union-attr]


def _fits(prepared: object, batch: Batch) -> bool:
    """The worker's answer is for this batch (a defence against a confused pipe)."""
    return (
        isinstance(prepared, list)
        and len(prepared) == len(batch)
        and all(p is None or p.path == r.path for p, r in zip(prepared, batch, strict=True))
    )


def _import_path() -> str:
    """Where ``core`` lives, first on the worker's import path (the same code as this one)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    rest = os.environ.get("PYTHONPATH")
    return root + (os.pathsep + rest if rest else "")


@contextlib.contextmanager
def prepared_batches(
    batches: list[Batch], starts: dict[str, int], total_bytes: int
) -> Iterator[Iterator[Prepared]]:
    """The extracted lines of each batch, in order: from a second process for a bulk job."""
    if total_bytes < BULK_BYTES or len(batches) < 2 or not sys.executable:
        yield _inline(batches, starts)
        return
    try:
        extractor = _Extractor(batches, starts)
    except OSError:
        yield _inline(batches, starts)
        return
    try:
        yield extractor.results(batches, starts)
    finally:
        extractor.close()


def _in_a_transaction(connection: sqlite3.Connection, statement: Callable[[], object]) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        statement()
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _indexed_bytes(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT total(indexed_bytes) FROM sessions").fetchone()[0])


def _optimize(connection: sqlite3.Connection) -> None:
    connection.execute("INSERT INTO message_text(message_text) VALUES ('optimize')")


@contextlib.contextmanager
def bulk_writing(connection: sqlite3.Connection, total_bytes: int) -> Iterator[None]:
    """SQLite tuned for a bulk job while it runs (see the module docstring), then restored; the
    index's FTS5 options made current first (``schema.apply_fts_options``).

    A job that at least doubles the index (a first build) writes with FTS5's automatic merging
    off and ends with an ``optimize``: every segment merged into one, in one pass. Merging as it
    went and stopping there left large segments that the next merge picked up a few turns later,
    which FTS5 advances only as fast as new rows are written: small live updates carried it for
    a long while and one of them, when segments piled up to ``crisismerge``, finished it at once
    (after a first build of 1 GB, 80 live updates had a median of 7 ms and one took 1.3 s; now
    0.8 ms and at most 11 ms, as before). The single pass costs no more writer CPU than merging
    along the way did (~12 s for 1 GB either way), and a search then reads one segment.
    Automatic merging is turned back on at the end, also when the job fails; a process killed
    midway leaves it off until the next bulk job (``crisismerge`` still bounds the segments)."""
    if total_bytes < BULK_BYTES:
        yield
        return
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    doubles = False
    try:
        doubles = total_bytes >= _indexed_bytes(connection)
        _in_a_transaction(connection, lambda: apply_fts_options(connection, merge=not doubles))
        yield
        if doubles:
            _in_a_transaction(connection, lambda: _optimize(connection))
    finally:
        if doubles:
            with contextlib.suppress(sqlite3.Error):
                _in_a_transaction(connection, lambda: apply_fts_options(connection))
        connection.execute("PRAGMA cache_size = -2000")
        connection.execute("PRAGMA synchronous = NORMAL")
