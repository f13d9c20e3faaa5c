"""Showing a resumed thread's transcript before its agent exists.

``lha resume`` draws the end of the thread first, from the last few hundred kilobytes of its
rollout (enough to fill any screen), then reads the whole file, gives the transcript every entry
(so it scrolls to the first message) and spawns the thread, which adopts the transcript already
on screen (``Controller.attach``). On a 1,000-turn thread the last message shows before the
whole file is even read.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from core.protocol.events import EventMsg
from core.protocol.rollout import EventRecord, RolloutLine
from core.rollout.paths import parse_rollout_file_name
from core.rollout.recorder import RolloutRecorder
from tui.transcript_model import entries_from_replay
from tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from textual.widget import Widget
    from textual.widgets import ContentSwitcher

    from core.protocol.history import InitialHistory

TAIL_BYTES = 256 * 1024


def transcript_id(thread_id: str) -> str:
    return f"t-{thread_id}"


def read_tail_events(path: Path, tail_bytes: int = TAIL_BYTES) -> list[EventMsg]:
    """The events of the rollout's last lines (a best effort: bad lines are skipped here, and
    the full read reports them)."""
    try:
        with path.open("rb") as file:
            size = file.seek(0, 2)
            file.seek(max(0, size - tail_bytes))
            data = file.read()
    except OSError:
        return []
    lines = data.split(b"\n")
    if size > tail_bytes:
        lines = lines[1:]  # the first line is cut
    events: list[EventMsg] = []
    for raw in lines:
        if not raw.strip():
            continue
        try:
            item = RolloutLine.parse(raw).item
        except ValueError:
            continue
        if isinstance(item, EventRecord):
            events.append(item.payload)
    return events


async def _next_refresh(widget: Widget) -> None:
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def refreshed() -> None:
        if not done.done():
            done.set_result(None)

    widget.call_after_refresh(refreshed)
    await done


async def preview_rollout(path: Path, switcher: ContentSwitcher) -> InitialHistory:
    """Show the end of ``path`` at once, then read it whole; returns the history to spawn on."""
    name = parse_rollout_file_name(path.name)
    transcript: Transcript | None = None
    if name is not None:
        tail = await asyncio.to_thread(read_tail_events, path)
        transcript = Transcript(id=transcript_id(str(name.thread_id)))
        await switcher.mount(transcript)
        await transcript.load(entries_from_replay(tail))
        switcher.current = transcript.id
        await _next_refresh(switcher)  # the end of the thread is on screen before the long read
    history = await RolloutRecorder.get_rollout_history(path)
    assert history.thread_id is not None
    entries = entries_from_replay(history.get_event_msgs() or [])
    if transcript is not None and transcript.id == transcript_id(history.thread_id):
        transcript.adopt_full_history(entries)
    else:  # a renamed file: show what the whole read found
        if transcript is not None:
            await transcript.remove()
        transcript = Transcript(id=transcript_id(history.thread_id))
        await switcher.mount(transcript)
        await transcript.load(entries)
        switcher.current = transcript.id
    return history
