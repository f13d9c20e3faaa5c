"""The session list: past threads, newest first, a page at a time (docs/architecture.md, The
session list).

Rollout names sort by creation time, so for ``sort_key="created"`` the walk goes year, month and
day folders in descending order and opens only the files it returns (plus those it skips).
``"updated"`` has to stat every file (up to the scan cap) to order by modification time.

Cursors are opaque strings ``"<key>|<thread id>"``; a page resumes strictly after its cursor. New
sessions sort before every existing one, so they never shift a later page.

``extra_roots`` are other sessions folders of the same layout (the Codex CLI's): their walks are
merged with lha's by the same key, so one cursor serves both.
"""

from __future__ import annotations

import asyncio
import heapq
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, NamedTuple

from core.errors import InvalidRequest
from core.protocol.ids import ThreadId
from core.protocol.session import SessionSource
from core.rollout.head import RolloutHead, read_head
from core.rollout.paths import (
    STAMP_FORMAT,
    archived_root,
    day_folders_desc,
    parse_rollout_file_name,
    sessions_root,
)

SortKey = Literal["created", "updated"]

MAX_SCAN_FILES = 10_000
"""Files whose head one request may read; a page that hits it sets ``reached_scan_cap``."""

_STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}$")
_UPDATED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class ThreadItem:
    """One past session, as the sidebar and ``lha threads`` show it."""

    path: Path
    thread_id: ThreadId
    preview: str
    """The first message the user typed (session-prefix messages skipped)."""
    cwd: str
    created_at: datetime
    updated_at: datetime
    source: SessionSource
    model_provider: str | None
    """From session_meta; a session without one reports ``default_provider``."""
    forked_from_id: ThreadId | None
    model: str | None = None
    """The model of the session's first turn, when the head shows it."""
    origin: str = "lha"
    """Who wrote the session: ``lha``, or ``codex`` for the Codex CLI's."""


@dataclass(frozen=True)
class ThreadsPage:
    items: list[ThreadItem]
    next_cursor: str | None
    """Pass back to get the next page; None when there is nothing after this page."""
    num_scanned_files: int
    reached_scan_cap: bool


class _Candidate(NamedTuple):
    key: str
    """Filename stamp (created) or mtime ``...ssssss.ffffffZ`` (updated); sorts like time."""
    thread_id: str
    path_text: str
    """A str, not a Path: building 10,000 Path objects costs more than the whole first page."""

    @property
    def path(self) -> Path:
        return Path(self.path_text)

    @property
    def cursor(self) -> str:
        return f"{self.key}|{self.thread_id}"


def _parse_cursor(cursor: str, sort_key: SortKey) -> tuple[str, str]:
    key, sep, raw_id = cursor.partition("|")
    ok = bool(sep) and ThreadId.is_valid(raw_id)
    if ok and sort_key == "created":
        ok = bool(_STAMP_RE.match(key))
    elif ok:
        try:
            datetime.strptime(key, _UPDATED_FORMAT)
        except ValueError:
            ok = False
    if not ok:
        raise InvalidRequest(
            f"invalid session-list cursor {cursor!r} for sort {sort_key!r}; "
            "list again from the first page"
        )
    return key, raw_id.strip().lower()


def _rollouts_in(folder: Path, *, regular_only: bool = True) -> list[_Candidate]:
    """The rollouts named in ``folder``; ``regular_only=False`` keeps entries that are not
    regular files (a FIFO named like a rollout), so looking one up by id says what it is."""
    found: list[_Candidate] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if not name.startswith("rollout-") or not name.endswith(".jsonl"):
                    continue
                parsed = parse_rollout_file_name(name)
                if parsed is not None and (entry.is_file() or not regular_only):
                    found.append(_Candidate(parsed.stamp, parsed.thread_id, entry.path))
    except OSError:
        return []
    return found


def _newest_first_after(
    candidates: list[_Candidate], after: tuple[str, str] | None
) -> Iterator[_Candidate]:
    """Candidates by (key, id), newest first, strictly after the cursor position ``after``."""
    candidates.sort(key=lambda c: (c.key, c.thread_id), reverse=True)
    for candidate in candidates:
        if after is None or (candidate.key, candidate.thread_id) < after:
            yield candidate


def _iter_created(root: Path, after: tuple[str, str] | None) -> Iterator[_Candidate]:
    for _date, folder in day_folders_desc(root, after[0] if after else None):
        yield from _newest_first_after(_rollouts_in(folder), after)


def _merged(walks: list[Iterator[_Candidate]]) -> Iterator[_Candidate]:
    """Several newest-first walks as one, in the same (key, id) order."""
    if len(walks) == 1:
        return walks[0]
    return heapq.merge(*walks, key=lambda c: (c.key, c.thread_id), reverse=True)


def _mtime_key(path: str) -> str | None:
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except OSError:
        return None
    moment = datetime.fromtimestamp(mtime_ns // 1000 / 1_000_000, UTC)
    return moment.strftime(_UPDATED_FORMAT)


def _iter_updated(root: Path, after: tuple[str, str] | None) -> Iterator[_Candidate]:
    stamped: list[_Candidate] = []
    for _date, folder in day_folders_desc(root, None):
        for candidate in _rollouts_in(folder):
            key = _mtime_key(candidate.path_text)
            if key is not None:
                stamped.append(candidate._replace(key=key))
            if len(stamped) >= MAX_SCAN_FILES:
                break
        if len(stamped) >= MAX_SCAN_FILES:
            break
    yield from _newest_first_after(stamped, after)


def _parse_iso(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _thread_item(
    candidate: _Candidate, head: RolloutHead, default_provider: str | None
) -> ThreadItem:
    meta = head.meta
    created = _parse_iso(meta.timestamp)
    if created is None:
        parsed = parse_rollout_file_name(candidate.path.name)
        created = (
            parsed.created_at
            if parsed
            else datetime.strptime("1970-01-01T00-00-00", STAMP_FORMAT).replace(tzinfo=UTC)
        )
    try:
        updated = datetime.fromtimestamp(candidate.path.stat().st_mtime, UTC)
    except OSError:
        updated = created
    return ThreadItem(
        path=candidate.path,
        # The file name's id, not the meta's: they differ only in a file renamed or edited by
        # hand, and `resume ID` finds files by name, so what is listed can always be resumed.
        thread_id=ThreadId(candidate.thread_id),
        preview=head.preview,
        cwd=meta.cwd,
        created_at=created,
        updated_at=updated,
        source=meta.source,
        model_provider=meta.model_provider or default_provider,
        forked_from_id=meta.forked_from_id,
        model=head.model,
        origin="lha" if meta.originator == "lha" else "codex",
    )


def _matches(
    item: ThreadItem,
    sources: Sequence[SessionSource] | None,
    providers: Sequence[str] | None,
) -> bool:
    if sources and item.source not in sources:
        return False
    return not providers or (item.model_provider is not None and item.model_provider in providers)


def list_threads_sync(
    lha_home: Path,
    page_size: int,
    cursor: str | None = None,
    sort_key: SortKey = "created",
    sources: Sequence[SessionSource] | None = None,
    providers: Sequence[str] | None = None,
    default_provider: str | None = None,
    archived: bool = False,
    extra_roots: Sequence[Path] = (),
) -> ThreadsPage:
    """The blocking implementation of ``list_threads`` (it runs in a worker thread)."""
    if page_size < 1:
        raise InvalidRequest(f"page size must be at least 1, not {page_size}")
    if sort_key not in ("created", "updated"):
        raise InvalidRequest(f"unknown sort key {sort_key!r}; use 'created' or 'updated'")
    after = _parse_cursor(cursor, sort_key) if cursor else None
    iterate = _iter_created if sort_key == "created" else _iter_updated
    roots = [_root(Path(lha_home), archived), *extra_roots]
    walk = _merged([iterate(root, after) for root in roots])
    items: list[ThreadItem] = []
    scanned = 0
    last: _Candidate | None = None
    for candidate in walk:
        if scanned >= MAX_SCAN_FILES:
            return ThreadsPage(items, last.cursor if last else None, scanned, True)
        scanned += 1
        last = candidate
        head = read_head(candidate.path)
        if head is None:
            continue
        item = _thread_item(candidate, head, default_provider)
        if not _matches(item, sources, providers):
            continue
        items.append(item)
        if len(items) == page_size:
            more = next(walk, None) is not None
            return ThreadsPage(items, candidate.cursor if more else None, scanned, False)
    return ThreadsPage(items, None, scanned, False)


async def list_threads(
    lha_home: Path,
    page_size: int,
    cursor: str | None = None,
    sort_key: SortKey = "created",
    sources: Sequence[SessionSource] | None = None,
    providers: Sequence[str] | None = None,
    default_provider: str | None = None,
    archived: bool = False,
    extra_roots: Sequence[Path] = (),
) -> ThreadsPage:
    """One page of past sessions, newest first, without blocking the event loop; with
    ``archived``, of the archived ones instead."""
    return await asyncio.to_thread(
        list_threads_sync,
        lha_home,
        page_size,
        cursor,
        sort_key,
        sources,
        providers,
        default_provider,
        archived,
        extra_roots,
    )


def _root(lha_home: Path, archived: bool) -> Path:
    return archived_root(lha_home) if archived else sessions_root(lha_home)


def _same_dir(a: str, b: str) -> bool:
    return os.path.normcase(os.path.normpath(a)) == os.path.normcase(os.path.normpath(b))


async def find_latest_thread_path(
    lha_home: Path,
    cwd: str | Path | None = None,
    sort_key: SortKey = "updated",
    extra_roots: Sequence[Path] = (),
) -> Path | None:
    """The most recent session (optionally started in ``cwd``), for ``lha exec resume --last``."""
    cursor: str | None = None
    while True:
        page = await list_threads(
            lha_home, 50 if cwd else 1, cursor=cursor, sort_key=sort_key, extra_roots=extra_roots
        )
        for item in page.items:
            if cwd is None or _same_dir(item.cwd, str(cwd)):
                return item.path
        if page.next_cursor is None:
            return None
        cursor = page.next_cursor


AMBIGUOUS_SHOWN = 5
"""Matching sessions named in the error for an ambiguous id prefix."""


def find_thread_path_by_id_sync(
    lha_home: Path,
    thread_id: ThreadId | str,
    extra_roots: Sequence[Path] = (),
    *,
    archived: bool = False,
) -> Path | None:
    """The blocking implementation of ``find_thread_path_by_id``; ``archived`` looks among
    the archived sessions instead (they are hidden from resume by id otherwise); ``extra_roots``
    are other tools' session folders (the Codex CLI's)."""
    text = str(thread_id).strip().lower()
    if not ThreadId.is_prefix(text):
        raise InvalidRequest(
            f"{thread_id!r} is not a thread id; `lha threads` lists the sessions and their ids"
        )
    whole = ThreadId.is_valid(text)
    found: dict[str, str] = {}
    folders = (
        folder
        for root in (_root(Path(lha_home), archived), *extra_roots)
        for _date, folder in day_folders_desc(root, None)
    )
    for folder in folders:
        for candidate in _rollouts_in(folder, regular_only=False):
            if candidate.thread_id.startswith(text):
                found.setdefault(candidate.thread_id, candidate.path_text)
                if whole:  # a whole id names one thread: no need to look further
                    return Path(candidate.path_text)
    if len(found) > 1:
        ids = sorted(found, reverse=True)
        shown = ", ".join(ids[:AMBIGUOUS_SHOWN]) + (", ..." if len(ids) > AMBIGUOUS_SHOWN else "")
        raise InvalidRequest(
            f"{text!r} begins {len(ids)} thread ids ({shown}); type more of the id"
        )
    return Path(next(iter(found.values()))) if found else None


async def find_thread_path_by_id(
    lha_home: Path, thread_id: ThreadId | str, extra_roots: Sequence[Path] = ()
) -> Path | None:
    """The rollout of the thread with this id, or with the one id that begins this way (any
    unique prefix names a thread), or None (for ``lha exec resume ID``). An ambiguous prefix
    is an InvalidRequest that names the matches."""
    return await asyncio.to_thread(find_thread_path_by_id_sync, lha_home, thread_id, extra_roots)
