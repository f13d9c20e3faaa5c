"""The export model read from rollout files written the way lha writes them, damaged ones too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import RolloutError
from core.export import RENDERERS, read_thread
from core.export.markdown import fenced
from core.protocol.items import ToolCallItem, ToolCallOutputItem, assistant_message
from core.protocol.rollout import TranscriptRecord
from core.protocol.tool_payload import JsonArguments
from tests.support.rollout_factory import write_rollout


def test_session_prefix_is_left_out_and_turns_counted(tmp_path: Path) -> None:
    path = write_rollout(tmp_path, tmp_path, 3)
    thread = read_thread(path)
    kinds = [(e.kind, e.turn) for e in thread.entries]
    assert kinds == [(kind, turn) for turn in range(3) for kind in ("user", "assistant")]
    assert not any("environment_context" in e.text for e in thread.entries)
    assert thread.models == ["gpt-5.1"] and thread.lineage == []


def test_a_call_without_output_and_an_output_without_call_are_both_shown(tmp_path: Path) -> None:
    call = ToolCallItem(call_id="c1", tool_name="shell", payload=JsonArguments(arguments="{}"))
    stray = ToolCallOutputItem(call_id="c9", output="orphan output", success=False)
    tail = [TranscriptRecord(payload=call), TranscriptRecord(payload=stray)]
    thread = read_thread(write_rollout(tmp_path, tmp_path, 1, tail=tail))
    calls = [e for e in thread.entries if e.kind == "tool_call"]
    assert [(c.call_id, c.output, c.success) for c in calls] == [
        ("c1", None, None),
        ("c9", "orphan output", False),
    ]
    md = RENDERERS["md"](thread)
    assert "the thread stopped before the tool finished" in md and "Failed: output (1 line)" in md


def test_bad_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    path = write_rollout(
        tmp_path, tmp_path, 1, tail=[TranscriptRecord(payload=assistant_message("end"))]
    )
    with path.open("a") as file:
        file.write('not json\n{"torn": \n')
    thread = read_thread(path)
    assert thread.skipped_lines == 2 and thread.entries[-1].text == "end"
    assert json.loads(RENDERERS["json"](thread))["thread"]["skipped_lines"] == 2


def test_a_file_without_session_meta_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text("garbage\n")
    with pytest.raises(RolloutError, match="nothing to export"):
        read_thread(path)


def test_a_fence_outlasts_the_backticks_inside() -> None:
    block = fenced("a\n````\nb")
    assert block.startswith("`````\n") and block.endswith("\n`````")
