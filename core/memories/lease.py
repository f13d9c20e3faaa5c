"""Leases: files that say "this process is working on X until T", so no two processes (or two
managers in one process) summarise the same rollout or write MEMORY.md at once.

Acquire is an atomic ``O_CREAT | O_EXCL`` create: of any number of contenders exactly one
succeeds. The file records an expiry; a lease past it belongs to a process that crashed (or
stalled far beyond any request timeout), and the next contender takes it over.

Takeover must not delete a *fresh* lease by mistake, so two rules close the races:

* A holder never unlinks its lease once it is within ``RELEASE_MARGIN_S`` of expiry; an expired
  lease is only ever removed by a takeover. So between a contender reading an expired lease and
  unlinking it, nobody else can remove or replace that file.
* Takeovers are serialised by a short-lived guard file (also ``O_EXCL``), so two contenders
  cannot both unlink. A guard older than ``GUARD_STALE_S`` is left over from a crash inside that
  microsecond window and is removed.

Residual race, accepted: two contenders that both find the *guard* stale at the same instant.
That needs a crash inside the guard window first; the cost would be one duplicate summary.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from core.fs import open_private, read_regular_file, write_all

log = logging.getLogger("lha.memories")

RELEASE_MARGIN_S = 5.0
GUARD_STALE_S = 30.0
LEASE_MAX_BYTES = 64 * 1024
_CREATE_FLAGS = os.O_WRONLY | os.O_EXCL


@dataclass(frozen=True)
class Lease:
    path: Path
    token: str
    expires_at: float

    def release(self) -> None:
        """Remove the lease if it is still ours and not (nearly) expired; never raises."""
        if time.time() >= self.expires_at - RELEASE_MARGIN_S:
            return  # a contender may be taking it over right now; leave it to them
        if _read_token(self.path) == self.token:
            with contextlib.suppress(OSError):
                os.unlink(self.path)


def try_acquire(path: Path, ttl_s: float) -> Lease | None:
    """The lease at ``path`` for ``ttl_s`` seconds, or None when someone else holds it."""
    for _ in range(2):
        lease = _create(path, ttl_s)
        if lease is not None:
            return lease
        if not _take_over_if_expired(path, ttl_s):
            return None
    return None


def _create(path: Path, ttl_s: float) -> Lease | None:
    try:
        fd = open_private(path, _CREATE_FLAGS)
    except FileExistsError:
        return None
    token = uuid.uuid4().hex
    expires_at = time.time() + ttl_s
    record = {
        "token": token,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "expires_at": expires_at,
    }
    try:
        write_all(fd, json.dumps(record).encode())
    finally:
        os.close(fd)
    return Lease(path, token, expires_at)


def _read_record(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(read_regular_file(path, max_bytes=LEASE_MAX_BYTES))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _read_token(path: Path) -> str | None:
    record = _read_record(path)
    token = record.get("token") if record else None
    return token if isinstance(token, str) else None


def _expired(path: Path, ttl_s: float, now: float) -> bool:
    """Past its recorded expiry; a file without one (crash mid-create) expires ttl after mtime."""
    record = _read_record(path)
    expires = record.get("expires_at") if record else None
    if isinstance(expires, int | float):
        return now >= expires
    try:
        return now >= path.stat().st_mtime + ttl_s
    except FileNotFoundError:
        return True


def _take_over_if_expired(path: Path, ttl_s: float) -> bool:
    """Remove an expired lease at ``path``; True when the caller should try to create it again."""
    guard = path.with_name(path.name + ".takeover")
    try:
        os.close(open_private(guard, _CREATE_FLAGS))
    except FileExistsError:
        with contextlib.suppress(OSError):
            if time.time() - guard.stat().st_mtime > GUARD_STALE_S:
                os.unlink(guard)
        return False
    try:
        if not path.exists():
            return True
        if not _expired(path, ttl_s, time.time()):
            return False
        log.info("taking over the expired memories lease %s", path.name)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(guard)
