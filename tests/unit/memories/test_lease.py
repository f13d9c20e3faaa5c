"""Leases: one holder at a time, released by their owner, taken over only when expired."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

from core.memories.lease import GUARD_STALE_S, try_acquire


def test_only_one_holder(tmp_path: Path) -> None:
    path = tmp_path / "x.lease"
    lease = try_acquire(path, 60)
    assert lease is not None
    assert try_acquire(path, 60) is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = json.loads(path.read_text())
    assert record["token"] == lease.token and record["pid"] == os.getpid()
    lease.release()
    assert not path.exists()
    assert try_acquire(path, 60) is not None


def test_expired_lease_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "x.lease"
    crashed = try_acquire(path, 0.01)
    assert crashed is not None
    time.sleep(0.02)
    taker = try_acquire(path, 60)
    assert taker is not None and taker.token != crashed.token
    crashed.release()  # the late owner must not remove the new holder's lease
    assert path.exists()
    assert not path.with_name("x.lease.takeover").exists()


def test_torn_lease_expires_by_mtime(tmp_path: Path) -> None:
    """A process that died between creating the file and writing it left an empty lease."""
    path = tmp_path / "x.lease"
    path.write_bytes(b"")
    assert try_acquire(path, 60) is None
    old = time.time() - 120
    os.utime(path, (old, old))
    assert try_acquire(path, 60) is not None


def test_takeover_in_progress_blocks_and_stale_guard_is_cleared(tmp_path: Path) -> None:
    path = tmp_path / "x.lease"
    assert try_acquire(path, 0.01) is not None
    time.sleep(0.02)
    guard = path.with_name("x.lease.takeover")
    guard.write_bytes(b"")
    assert try_acquire(path, 60) is None, "someone else is taking it over"
    old = time.time() - GUARD_STALE_S - 1
    os.utime(guard, (old, old))
    assert try_acquire(path, 60) is None  # this attempt clears the stale guard...
    assert try_acquire(path, 60) is not None  # ...so the next one can take over


def test_release_near_expiry_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.lease"
    lease = try_acquire(path, 1)
    assert lease is not None
    lease.release()
    assert path.exists(), "within the release margin only a takeover may remove it"
