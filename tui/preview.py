"""Showing a resumed thread's transcript before its agent exists.

``lha resume`` must read the rollout anyway; drawing its transcript straight from what was read
puts the last message on screen while the agent stack is still loading and the thread spawns.
The thread then adopts the transcript already on screen (``Controller.attach``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.rollout.recorder import RolloutRecorder
from tui.transcript_model import entries_from_replay
from tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from textual.widgets import ContentSwitcher

    from core.protocol.history import InitialHistory


def transcript_id(thread_id: str) -> str:
    return f"t-{thread_id}"


async def preview_rollout(path: Path, switcher: ContentSwitcher) -> InitialHistory:
    """Read ``path``, mount and show its transcript; returns the history for the spawn."""
    history = await RolloutRecorder.get_rollout_history(path)
    assert history.thread_id is not None
    transcript = Transcript(id=transcript_id(history.thread_id))
    await switcher.mount(transcript)
    await transcript.load(entries_from_replay(history.get_event_msgs() or []))
    switcher.current = transcript.id
    return history
