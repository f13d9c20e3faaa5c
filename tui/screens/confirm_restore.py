"""Asked before files are put back as a snapshot had them (``/undo``, a fork that restores
files): the files first, those edited since the turn marked, then yes or no.

``y`` restores, Esc changes nothing. When an edit of the user's would be overwritten the box is
drawn as a danger and says how many.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from core.sanitize import terminal_line
from tui.screens.yes_no import YesNoScreen

if TYPE_CHECKING:
    from core.snapshots.restore import RestorePlan

MAX_LISTED_FILES = 12
EDITED_MARK = "  (changed since: your edit is overwritten)"


def question(plan: RestorePlan) -> str:
    """The files the restore writes or deletes, the edited ones marked, and the question."""
    files, edited = plan.files, set(plan.changed_since)
    lines = [f"  {terminal_line(str(path))}{EDITED_MARK * (path in edited)}" for path in files]
    listed = lines[:MAX_LISTED_FILES]
    if len(lines) > len(listed):
        listed.append(f"  … and {len(lines) - len(listed)} more")
    head = f"{len(files)} file{'s' * (len(files) != 1)} will be put back:"
    tail = "Go ahead?"
    if edited:
        tail = f"{len(edited)} of them changed since that turn (marked). Overwrite them too?"
    return "\n".join([head, *listed, "", tail])


class ConfirmRestoreScreen(YesNoScreen):
    """Dismisses with True to restore the files, False to leave them as they are."""

    ID_PREFIX = "confirm-restore"
    YES = ("Restore", "y", "yes")
    NO = ("Keep the files", "esc", "no")
    BINDINGS = [
        Binding("y", "decide(True)", "Restore", id="confirm_restore.restore"),
        Binding("escape", "decide(False)", "Keep", id="confirm_restore.keep"),
    ]

    def __init__(self, plan: RestorePlan, title: str) -> None:
        super().__init__(question(plan), title=title, danger=bool(plan.changed_since))
        self.plan = plan
