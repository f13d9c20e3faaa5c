"""A fork's point is read back from its rollout: where its copy of the parent's lines ends."""

from __future__ import annotations

from pathlib import Path

from core.protocol.ids import ThreadId
from core.protocol.items import user_message
from core.protocol.rollout import RolloutItem, SessionMetaRecord, TranscriptRecord
from core.protocol.session import SessionMeta
from core.rollout.fork_point import fork_point, read_fork_point
from core.rollout.reader import load_rollout_sync
from core.rollout.truncation import truncate_rollout_before_nth_user_message_from_start
from core.rollout.user_turns import list_user_turns
from tests.support.rollout_factory import write_rollout


def _fork_of(parent: list[RolloutItem], n: int | None) -> list[RolloutItem]:
    """What ``fork_history`` writes: a new session_meta, the copied lines, then new turns."""
    parent_meta = parent[0]
    assert isinstance(parent_meta, SessionMetaRecord)
    meta = parent_meta.payload.model_copy(
        update={"id": ThreadId.new(), "forked_from_id": parent_meta.payload.id}
    )
    copied = parent if n is None else truncate_rollout_before_nth_user_message_from_start(parent, n)
    return [
        SessionMetaRecord(payload=SessionMeta.model_validate(meta.model_dump())),
        *copied,
        TranscriptRecord(payload=user_message("the fork's own question")),
    ]


def test_the_point_is_the_message_the_fork_was_made_before(tmp_path: Path) -> None:
    path = write_rollout(tmp_path / "home", tmp_path, 4, seed=3)
    parent = load_rollout_sync(path).history.get_rollout_items()
    assert len(list_user_turns(parent)) == 4
    for n in range(4):
        assert fork_point(_fork_of(parent, n), parent) == n
    assert fork_point(_fork_of(parent, None), parent) is None, "a copy of the whole thread"


def test_a_parent_that_went_on_after_the_fork_keeps_the_point(tmp_path: Path) -> None:
    path = write_rollout(tmp_path / "home", tmp_path, 2, seed=3)
    parent = load_rollout_sync(path).history.get_rollout_items()
    fork = _fork_of(parent, None)
    grown = [*parent, TranscriptRecord(payload=user_message("asked after the fork"))]
    assert fork_point(fork, grown) == 2, "the fork was made before what came later"


async def test_read_from_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    parent_path = write_rollout(home, tmp_path, 3, seed=5)
    parent = load_rollout_sync(parent_path).history.get_rollout_items()
    fork_items = _fork_of(parent, 1)
    fork_path = tmp_path / "fork.jsonl"
    from core.protocol.rollout import RolloutLine

    fork_path.write_text(
        "".join(
            RolloutLine(timestamp="2026-11-25T12:00:00.000Z", item=i).dump() + "\n"
            for i in fork_items
        )
    )
    assert await read_fork_point(fork_path, parent_path) == 1
