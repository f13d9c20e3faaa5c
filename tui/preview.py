"""Showing a resumed thread's transcript before its agent exists.

``lha resume`` composes the end of the thread into its very first frame, from the last few
hundred kilobytes of its rollout (enough to fill any screen) read with ``json`` alone. Then it
reads the whole file, gives the transcript every entry (so it scrolls to the first message) and
spawns the thread, which adopts the transcript already on screen (``Controller.attach``). On a
1,000-turn thread the last message shows before the protocol models are even imported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from core.rollout.paths import parse_rollout_file_name
from tui.file_tail import tail_lines
from tui.transcript_model import Entry, entries_from_replay, entry_for_payload
from tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from textual.widgets import ContentSwitcher

    from core.protocol.history import InitialHistory

TAIL_BYTES = 256 * 1024


def transcript_id(thread_id: str) -> str:
    return f"t-{thread_id}"


def read_tail_entries(path: Path, tail_bytes: int = TAIL_BYTES) -> list[Entry]:
    """The transcript entries of the rollout's last lines, read with ``json`` alone: drawing
    them must not wait for the protocol models to load. A best effort, for display only: bad
    lines are skipped here, and the full read that follows reports them."""
    lines = tail_lines(path, tail_bytes)
    entries: list[Entry] = []
    for raw in lines:
        if b'"event_msg"' not in raw:
            continue
        try:
            line = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            continue
        if not isinstance(line, dict) or line.get("type") != "event_msg":
            continue
        payload = line.get("payload")
        if isinstance(payload, dict):
            entry = entry_for_payload(payload)
            if entry is not None:
                entries.append(entry)
    return entries


def tail_transcript(path: Path) -> Transcript | None:
    """A transcript of the rollout's last entries, composed in lha's very first frame (None
    when the file's name does not name a thread: then the whole read decides what to show)."""
    name = parse_rollout_file_name(path.name)
    if name is None:
        return None
    return Transcript(id=transcript_id(str(name.thread_id)), entries=read_tail_entries(path))


async def read_whole_rollout(
    path: Path, switcher: ContentSwitcher, shown: Transcript | None
) -> InitialHistory:
    """Read all of ``path`` once its tail is on screen; returns the history to spawn on.

    The transcript already shown gets every entry (so it scrolls to the first message) without
    touching its widgets; a file renamed by hand gets a transcript of what the read found.
    """
    from core.rollout.recorder import RolloutRecorder  # the protocol models, once on screen

    history = await RolloutRecorder.get_rollout_history(path)
    assert history.thread_id is not None
    entries = entries_from_replay(history.get_event_msgs() or [])
    if shown is not None and shown.id == transcript_id(history.thread_id):
        shown.adopt_full_history(entries)
        return history
    if shown is not None:
        await shown.remove()
    transcript = Transcript(id=transcript_id(history.thread_id))
    await switcher.mount(transcript)
    await transcript.load(entries)
    switcher.current = transcript.id
    return history
