"""``lha resume`` first shows the rollout's tail, then adopts the whole history."""

from __future__ import annotations

from pathlib import Path

from core.protocol.events import AgentMessage, UserMessageEvent
from tests.support.rollout_factory import write_rollout
from tui.preview import read_tail_events


def test_the_tail_holds_the_last_events_in_order(tmp_path: Path) -> None:
    path = write_rollout(tmp_path, tmp_path, 50)
    with path.open("ab") as file:
        file.write(b"not json\n")
    tail = read_tail_events(path, tail_bytes=4096)
    whole = read_tail_events(path, tail_bytes=10_000_000)
    assert 0 < len(tail) < len(whole)
    assert whole[-len(tail) :] == tail, "a cut first line and a bad line are skipped"
    assert isinstance(whole[-1], AgentMessage | UserMessageEvent) or whole[-1].type == "token_count"


def test_a_missing_file_gives_no_events(tmp_path: Path) -> None:
    assert read_tail_events(tmp_path / "gone.jsonl") == []
