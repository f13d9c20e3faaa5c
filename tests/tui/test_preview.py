"""`lha resume` composes the rollout tail into its first frame, then adopts the whole history."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.protocol.events import (
    AgentMessage,
    AgentReasoning,
    ErrorEvent,
    EventMsg,
    ToolCallEnd,
    TurnAbortedEvent,
    UserMessageEvent,
    Warning,
)
from core.protocol.rollout import EventRecord, RolloutLine, utc_timestamp
from core.rollout.recorder import RolloutRecorder
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import (
    current_id,
    make_app,
    open_threads,
    thread_on_screen,
    wait_until,
)
from tui.preview import read_tail_entries
from tui.start_request import StartRequest
from tui.transcript_model import entries_from_replay
from tui.widgets.transcript import WINDOW, Transcript

EVERY_KIND: list[EventMsg] = [
    UserMessageEvent(message="list the files"),
    AgentReasoning(text="**Looking** at the tree"),
    ToolCallEnd(call_id="c1", tool_name="shell", output="a.py\nb.py", success=True),
    ToolCallEnd(call_id="c2", tool_name="shell", output="denied", success=False),
    Warning(message="reconnecting 1/5"),
    ErrorEvent(message="the provider said no"),
    TurnAbortedEvent(reason="interrupted"),
    AgentMessage(message="Two files: `a.py` and `b.py`."),
]


def _append_events(path: Path, events: list[EventMsg]) -> None:
    stamp = utc_timestamp()
    with path.open("a") as file:
        for event in events:
            file.write(RolloutLine(timestamp=stamp, item=EventRecord(payload=event)).dump() + "\n")


def test_the_tail_holds_the_last_entries_in_order(tmp_path: Path) -> None:
    path = write_rollout(tmp_path, tmp_path, 50)
    with path.open("ab") as file:
        file.write(b"not json\n")
    tail = read_tail_entries(path, tail_bytes=4096)
    whole = read_tail_entries(path, tail_bytes=10_000_000)
    assert 0 < len(tail) < len(whole) == 100
    assert whole[-len(tail) :] == tail, "a cut first line and a bad line are skipped"
    assert whole[-1].kind == "assistant" and whole[-1].text.startswith("Done with step 49.")


async def test_json_tail_entries_equal_the_engines_for_every_kind(tmp_path: Path) -> None:
    """The first frame (raw JSON) and the engine (protocol models) share one mapping: the
    entries drawn first are exactly those the whole read gives."""
    path = write_rollout(tmp_path, tmp_path, 2)
    _append_events(path, EVERY_KIND)
    history = await RolloutRecorder.get_rollout_history(path)
    engine_entries = entries_from_replay(history.get_event_msgs() or [])
    assert read_tail_entries(path) == engine_entries
    kinds = [e.kind for e in engine_entries[-len(EVERY_KIND) :]]
    expected = ["user", "reasoning", "tool", "tool", "warning", "error", "warning", "assistant"]
    assert kinds == expected
    assert engine_entries[-5].success is False and engine_entries[-5].title == "shell"


def test_odd_json_is_shown_as_text_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "rollout.jsonl"
    path.write_text(
        '{"type":"event_msg","payload":{"type":"user_message","message":42}}\n'
        '{"type":"event_msg","payload":["not", "an", "object"]}\n'
        '["event_msg"]\n'
        '{"type":"event_msg","payload":{"type":"agent_message"}}\n'
        + '{"type":"event_msg","payload":'
        + "[" * 100_000
        + "\n"
    )
    entries = read_tail_entries(path)
    assert [(e.kind, e.text) for e in entries] == [("user", "42"), ("assistant", "")]


def test_a_missing_file_gives_no_entries(tmp_path: Path) -> None:
    assert read_tail_entries(tmp_path / "gone.jsonl") == []


async def test_the_first_frame_already_shows_the_resumed_threads_end(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    path = write_rollout(home, tmp_path, 300)
    app = make_app(home, scripted_server, tmp_path, start=StartRequest("resume", path))
    async with app.run_test(size=(110, 32)) as pilot:
        shown = app.transcripts.visible_content
        assert isinstance(shown, Transcript), "composed with the app, before any engine work"
        start, end = shown.mounted_range
        assert end == len(shown.entries) and end - start == WINDOW, "the end, in a window"
        last = shown.children[-1]
        assert "Done with step 299." in last.entry.text  # type: ignore[attr-defined]
        assert last.region.height and shown.scroll_y == shown.max_scroll_y > 0, "at its end"
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        assert open_threads(app)[current_id(app)].transcript is shown, "the live thread adopts it"  # type: ignore[index]
        assert len(shown.entries) == 600 and shown.mounted_range[1] == 600


def test_drawing_the_tail_needs_no_protocol_model(tmp_path: Path) -> None:
    """What the first frame of ``lha resume`` imports: no pydantic, no protocol models."""
    path = write_rollout(tmp_path, tmp_path, 5)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tui.preview import tail_transcript\n"
        f"transcript = tail_transcript(Path({str(path)!r}))\n"
        "assert transcript is not None and len(transcript.entries) == 10\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'core.protocol.'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "['core.protocol.ids']"


async def test_a_renamed_rollout_is_shown_after_the_whole_read(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    home = tmp_path / "home"
    original = write_rollout(home, tmp_path, 3)
    renamed = tmp_path / "my-session.jsonl"
    original.rename(renamed)  # no thread id in its name: the first frame cannot name it
    app = make_app(home, scripted_server, tmp_path, start=StartRequest("resume", renamed))
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        view = thread_on_screen(app)
        assert app.transcripts.visible_content is view.transcript
        users = [e.text for e in view.transcript.entries if e.kind == "user"]
        assert len(users) == 3 and users[0].startswith("turn 0:")
        assert view.rollout_path == renamed
