"""Which rollouts the start-up task picks: idle, recent, unsummarised, not this thread's."""

from __future__ import annotations

import os
import time
from pathlib import Path

from core.fs import write_private_file
from core.memories.candidates import find_candidates
from core.memories.layout import summary_file
from core.memories.settings import MemoriesSettings
from core.protocol.ids import ThreadId
from core.protocol.session import SessionSource
from tests.unit.rollout.helpers import meta, write_session

HOUR = 3600.0


def test_picks_idle_unsummarised_rollouts_newest_first(tmp_path: Path) -> None:
    now = time.time()
    settings = MemoriesSettings()

    def session(age_h: float, **kwargs: object) -> ThreadId:
        m = meta(**kwargs)  # type: ignore[arg-type]
        write_session(tmp_path, m, mtime=now - age_h * HOUR)
        return m.id

    older = session(5)
    newer = session(2)
    current = session(3)
    session(0.5)  # still fresh
    session(24 * 60)  # beyond max age
    session(4, source=SessionSource.SUBAGENT)
    done = session(6)
    write_private_file(summary_file(tmp_path, done), "---\n---\n")
    changed = session(7)
    write_private_file(summary_file(tmp_path, changed), "---\n---\n")
    old = now - 8 * HOUR
    os.utime(summary_file(tmp_path, changed), (old, old))  # summary predates the last change

    found = find_candidates(tmp_path, current, settings, limit=10, now=now)
    assert [c.thread_id for c in found] == [newer, older, changed]
    assert found[0].title == "question 0" and found[0].cwd == "/work/project"
    assert len(find_candidates(tmp_path, current, settings, limit=1, now=now)) == 1
    assert find_candidates(tmp_path / "nowhere", current, settings, limit=5) == []
