"""Errors shown in the transcript area, not only as a toast that fades.

An engine error that belongs to no turn (a corrupt rollout picked in the sidebar, a thread that
could not start) goes into the transcript on screen: the current thread's, or, when no thread is
selected, a transcript of notices shown in its place until one is. Nothing here is recorded in a
rollout: these entries are for the eyes only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.transcript_model import Entry
from tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from textual.widgets import ContentSwitcher

NOTICES_ID = "notices"


async def show_error_entry(
    switcher: ContentSwitcher, current: Transcript | None, message: str
) -> None:
    target = current
    if target is None:
        found = [child for child in switcher.children if child.id == NOTICES_ID]
        if found and isinstance(found[0], Transcript):
            target = found[0]
        else:
            target = Transcript(id=NOTICES_ID)
            await switcher.mount(target)
        switcher.current = NOTICES_ID
    await target.add_entry(Entry("error", message))
