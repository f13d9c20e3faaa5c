"""``RolloutRecorder``: appends a thread's items to its rollout file (docs/architecture.md,
Rollouts).

One writer task per file owns the descriptor; callers never wait on the disk except in
``flush()``/``shutdown()``. A new thread's file is created lazily at the first ``persist()`` (its
first user turn), so threads that are opened and closed without a word leave nothing behind; until
then lines are buffered in memory. A fork's file is created at once; a resumed thread appends to its
existing file. Given a ``RolloutLock``, the recorder is the file's only writer while it is open
(``core.rollout.lock``): the lock is taken on the descriptor it writes with (at once for a resumed
thread, else when the file is made) and released by ``shutdown()``. A write error never reaches
the agent's turn: it is logged and raised, once, as a ``RolloutError`` by the next
``flush()``/``shutdown()``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from core.errors import LhaError, RolloutError
from core.fs import ensure_private_dir, open_private_append, write_all
from core.protocol.base import WireModel
from core.protocol.history import InitialHistory
from core.protocol.ids import ThreadId
from core.protocol.rollout import (
    CompactedRecord,
    RolloutItem,
    RolloutLine,
    SessionMetaRecord,
    utc_timestamp,
)
from core.protocol.session import CompactedItem, SessionMeta, SessionSource
from core.rollout import reader
from core.rollout.lock import RolloutLock
from core.rollout.paths import rollout_path_for
from core.rollout.policy import is_persisted_item

if TYPE_CHECKING:  # listing is for the session list, not for a thread's start
    from core.rollout import listing

log = logging.getLogger("lha.rollout")


def _encode(items: Sequence[RolloutItem], timestamp: str) -> list[bytes]:
    """Each item as ``RolloutLine(timestamp, item).dump()`` in UTF-8, made straight as bytes.

    Serialising through the model's Rust serializer to bytes (no str round trip) is the bulk of
    a fork's cost: 5,000 lines take about 15 ms.
    """
    head = RolloutLine.dump_item(timestamp, _PROBE)[: -len(_PROBE_BODY)].encode()
    return [head + _record_body(item) for item in items]


def _record_body(item: RolloutItem) -> bytes:
    """The item's JSON without its opening brace. A record of just ``type`` and ``payload`` is
    written around its payload's own serializer: the record's serializer would first match
    the payload against every kind its field allows, which costs as much as the payload."""
    payload = item.payload
    if item.__pydantic_extra__ or type(payload) not in _payload_kinds(type(item)):
        return type(item).__pydantic_serializer__.to_json(item, exclude_none=True)[1:]
    body = type(payload).__pydantic_serializer__.to_json(payload, exclude_none=True)
    return b'"type":"' + item.type.encode() + b'","payload":' + body + b"}"


@functools.cache
def _payload_kinds(record: type[WireModel]) -> frozenset[type]:
    """The exact classes a record's ``payload`` field declares (a subclass takes the slow way,
    as the record's serializer may write it differently)."""
    annotation = record.model_fields["payload"].annotation
    return frozenset(get_args(annotation) or (annotation,))


_PROBE = CompactedRecord(payload=CompactedItem(message=""))
_PROBE_BODY = _PROBE.model_dump_json(exclude_none=True)[1:]


def _open_for_append(path: Path, create_parents: bool, lock: RolloutLock | None) -> int:
    """Open the rollout for appending, locked by ``lock`` before anything is written; start on
    a fresh line if the file ends in a torn one."""
    if create_parents:
        ensure_private_dir(path.parent)
    fd = open_private_append(path)
    try:
        if lock is not None:
            lock.acquire(fd, path)
        size = os.fstat(fd).st_size
        if size:
            with open(path, "rb") as existing:
                existing.seek(size - 1)
                if existing.read(1) != b"\n":
                    write_all(fd, b"\n")
    except BaseException:
        os.close(fd)
        raise
    return fd


class RolloutRecorder:
    """Writes one thread's rollout. Make one with ``create`` (new thread or fork) or ``resume``."""

    def __init__(
        self, path: Path, *, materialized: bool, persist: bool, lock: RolloutLock | None = None
    ) -> None:
        self._path = path
        self._lock = lock
        self._materialized = materialized
        """True once the file exists (resume) or has been created by the writer."""
        self._persist_requested = persist
        self._pending: list[bytes] = []
        """Encoded lines not yet handed to the writer (all of them, before ``persist()``)."""
        self._queued = 0
        """Lines handed to the writer so far."""
        self._written = 0
        """Lines the writer has finished (written or lost to an error)."""
        self._fd: int | None = None
        self._error: LhaError | None = None
        self._wake = asyncio.Event()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    # ----- construction

    @classmethod
    def create(
        cls,
        lha_home: Path,
        thread_id: ThreadId,
        session_meta: SessionMeta,
        materialize: bool = False,
        lock: RolloutLock | None = None,
    ) -> RolloutRecorder:
        """A recorder for a new thread (``materialize=False``: file made at the first ``persist``)
        or a fork (``materialize=True``: file made at once). ``session_meta`` is its first line."""
        if session_meta.id != thread_id:
            session_meta = session_meta.model_copy(update={"id": thread_id})
        path = rollout_path_for(Path(lha_home), thread_id)
        recorder = cls(path, materialized=False, persist=False, lock=lock)
        recorder._pending.extend(
            _encode([SessionMetaRecord(payload=session_meta)], utc_timestamp())
        )
        if materialize:
            recorder.persist()
        return recorder

    @classmethod
    def resume(cls, path: Path | str, lock: RolloutLock | None = None) -> RolloutRecorder:
        """A recorder that appends to an existing rollout (a resumed thread keeps its file).

        With a ``lock`` the file is opened and locked now (blocking I/O: call it in a worker
        thread), so a session open elsewhere fails here with ``SessionLocked``."""
        recorder = cls(Path(path), materialized=True, persist=True, lock=lock)
        if lock is not None:
            try:
                recorder._fd = _open_for_append(recorder._path, False, lock)
            except OSError as error:
                problem = f"cannot open it for writing ({error.strerror or error})"
                raise RolloutError(path, f"{problem}; check its permissions") from None
        return recorder

    # ----- reading and listing (static: they need no recorder)

    @staticmethod
    async def get_rollout_history(path: Path | str) -> InitialHistory:
        """Load a rollout for resume/fork; see ``core.rollout.reader``."""
        return await reader.get_rollout_history(path)

    @staticmethod
    async def load_rollout(path: Path | str) -> reader.LoadedRollout:
        """Like ``get_rollout_history`` but also returns the reader's report (skipped lines)."""
        return await reader.load_rollout(path)

    @staticmethod
    async def list_threads(
        lha_home: Path,
        page_size: int,
        cursor: str | None = None,
        sort_key: Literal["created", "updated"] = "created",
        sources: Sequence[SessionSource] | None = None,
        providers: Sequence[str] | None = None,
        default_provider: str | None = None,
        extra_roots: Sequence[Path] = (),
    ) -> listing.ThreadsPage:
        """One page of past sessions, newest first; see ``core.rollout.listing``."""
        from core.rollout import listing

        return await listing.list_threads(
            lha_home,
            page_size,
            cursor=cursor,
            sort_key=sort_key,
            sources=sources,
            providers=providers,
            default_provider=default_provider,
            extra_roots=extra_roots,
        )

    # ----- recording

    @property
    def rollout_path(self) -> Path:
        """Where the rollout is (or will be, before the first ``persist``)."""
        return self._path

    @property
    def is_materialized(self) -> bool:
        """True once the file exists on disk (the search index is told of it only then)."""
        return self._materialized

    def record_items(self, items: Sequence[RolloutItem]) -> None:
        """Queue ``items`` for writing (deltas and other transient events are filtered out).

        Never blocks and never raises for I/O: problems surface on ``flush()``.
        """
        if self._closed:
            log.debug("rollout %s: items recorded after shutdown were dropped", self._path)
            return
        kept = [item for item in items if is_persisted_item(item)]
        if not kept:
            return
        self._pending.extend(_encode(kept, utc_timestamp()))
        if self._persist_requested:
            self._kick()

    def record_copied_lines(self, lines: bytes) -> None:
        """Queue lines copied as they are from another rollout (a fork's history): complete
        lines, each ending in a newline. Like ``record_items``, never blocks nor raises."""
        if self._closed or not lines:
            return
        self._pending.append(lines.removesuffix(b"\n"))  # the writer ends each entry with one
        if self._persist_requested:
            self._kick()

    def persist(self) -> None:
        """Ask for the file to exist from now on (the first user turn); buffered lines follow."""
        if self._persist_requested or self._closed:
            return
        self._persist_requested = True
        self._kick()

    async def flush(self) -> None:
        """Wait until every line recorded so far is on disk (a no-op before ``persist``)."""
        if self._persist_requested and (self._pending or self._written < self._queued):
            self._kick()
            target = self._queued + len(self._pending)
            if self._written < target:
                future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiters.append((target, future))
                await future
        self._raise_pending_error()

    async def shutdown(self) -> None:
        """Flush, then stop the writer and close the file. Later records are dropped."""
        if self._closed:
            return
        try:
            await self.flush()
        finally:
            self._closed = True
            task = self._task
            if task is not None:
                self._wake.set()
                await task
            if self._lock is not None:
                self._lock.forget()
            self._close_fd()
        self._raise_pending_error()

    # ----- the writer

    def _kick(self) -> None:
        if self._task is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # made outside the loop: the writer starts with the next call
                return
            self._task = loop.create_task(self._run(), name=f"rollout-writer:{self._path.name}")
        self._wake.set()

    def _raise_pending_error(self) -> None:
        error, self._error = self._error, None
        if error is not None:
            raise error

    def _close_fd(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError as error:  # pragma: no cover - close errors are rare and harmless here
                log.warning("rollout %s: close failed: %s", self._path, error)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._pending and self._persist_requested:
                batch, self._pending = self._pending, []
                self._queued += len(batch)
                await self._write(batch)
                self._written += len(batch)
            self._release_waiters()
            if self._closed and not self._pending:
                return

    async def _write(self, batch: list[bytes]) -> None:
        data = b"\n".join(batch) + b"\n"
        try:
            if self._fd is None:
                self._fd = await asyncio.to_thread(
                    _open_for_append, self._path, not self._materialized, self._lock
                )
                self._materialized = True
            await asyncio.to_thread(write_all, self._fd, data)
        except LhaError as error:  # the new file was locked by someone else: not ours to write
            log.error("rollout %s: %s", self._path, error)
            self._error = error
        except OSError as error:
            problem = f"could not write {len(batch)} line(s) ({error.strerror or error})"
            # Not an error record: with no logging set up it would print on stderr, and the
            # next flush() reports it to the user anyway, once, naming the file.
            log.info("rollout %s: %s", self._path, problem)
            if self._error is None:  # the first failure says most about the cause
                self._error = RolloutError(self._path, f"{problem}; check the disk and permissions")

    def _release_waiters(self) -> None:
        still: list[tuple[int, asyncio.Future[None]]] = []
        for target, future in self._waiters:
            if self._written >= target:
                if not future.done():
                    future.set_result(None)
            else:
                still.append((target, future))
        self._waiters = still
