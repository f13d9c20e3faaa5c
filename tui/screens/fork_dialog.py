"""The fork dialog: choose the user message to fork *before*, seeing what the fork keeps.

Forking before message n keeps everything earlier and hands message n back to the composer, so
the user can edit it and take the conversation another way (docs/architecture.md, A fork). The
list shows only real user messages (``list_user_turns``), numbered from 1 for people; the dialog
dismisses with the 0-based ``UserTurn.index``, which is exactly the ``n`` for ``fork_thread``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from core.rollout.user_turns import UserTurn
from core.text import shorten
from tui.screens._safe_text import safe_content

PreviewText = Callable[[int], str]

NO_TURNS_TEXT = "This thread has no messages of yours to fork from yet."
_LINE_LIMIT = 300


def turn_time(timestamp: str | None) -> str:
    """``Nov 25 12:04`` in local time, or ``""`` when unknown or unreadable."""
    if not timestamp:
        return ""
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%b %d %H:%M")


def default_preview(turn: UserTurn) -> str:
    """What a fork before ``turn`` keeps, in words."""
    earlier = turn.index
    if earlier == 0:
        kept = "Starts a new thread with nothing from this one but its setup."
    else:
        plural = "message" if earlier == 1 else "messages"
        kept = f"Keeps your {earlier} earlier {plural} and everything answered to them."
    return f"{kept} This message goes back into the composer for you to edit and resend."


def turn_prompt(turn: UserTurn, number_width: int, with_time: bool) -> Content:
    """One row: the message's number, its time (when any turn has one) and its first line."""
    parts: list[Content | str] = [
        Content.styled(f"{turn.index + 1:>{number_width}}", "$text-accent")
    ]
    if with_time:
        parts += ["  ", Content.styled(f"{turn_time(turn.timestamp):<12}", "$foreground-muted")]
    line = shorten(turn.first_line, _LINE_LIMIT) or "(empty message)"
    parts += ["  ", safe_content(line)]
    if turn.images:
        parts.append(Content.styled(f"  +{turn.images} image{'s' * (turn.images > 1)}", "italic"))
    return Content.assemble(*parts)


@dataclass(frozen=True)
class ForkChoice:
    """What the dialog was asked: fork before user message ``index`` (0-based), and with
    ``restore_files``, put the files back as they were before it too."""

    index: int
    restore_files: bool = False


class TurnList(OptionList):
    """The user messages to fork before. Enter is the list's own key, not a priority binding of
    the screen: that would run as soon as the app reads Enter, before arrow keys read just
    before it have moved the highlight; the list handles its keys in order."""

    BINDINGS = [Binding("enter", "select", "Fork before this message", id="fork_dialog.fork")]


class ForkDialogScreen(ModalScreen[ForkChoice | None]):
    """Pick a user message; dismisses with the choice (fork before it; Ctrl+R: and restore the
    files), or None on Esc."""

    DEFAULT_CSS = """
    ForkDialogScreen {
        align: center middle;

        #fork-dialog {
            width: 90;
            max-width: 94%;
            height: auto;
            max-height: 90%;
            padding: 1 2;
            background: $panel;
            border: round $accent;
            border-title-color: $text-accent;
            border-title-style: bold;
            border-subtitle-color: $text-muted;
        }
        #fork-options {
            height: auto;
            max-height: 40vh;
            border: none;
            padding: 0;
            background: $panel;
            text-wrap: nowrap;
            text-overflow: ellipsis;
            & > .option-list--option {
                padding: 0 1;
            }
        }
        #fork-preview-box {
            height: auto;
            max-height: 35vh;
            margin-top: 1;
            padding: 0 1;
            border-top: solid $foreground 20%;
            background: $panel;
        }
        #fork-summary {
            color: $text-muted;
            text-style: italic;
            padding-bottom: 1;
        }
        #fork-message {
            padding: 0 1;
            background: $surface;
        }
        #fork-empty {
            display: none;
            color: $text-muted;
            text-style: italic;
            padding: 1;
        }
        #fork-dialog.-empty {
            #fork-empty { display: block; }
            #fork-options, #fork-preview-box { display: none; }
        }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="fork_dialog.cancel"),
        Binding("ctrl+r", "fork(True)", "Fork and restore files", id="fork_dialog.fork_with_files"),
    ]

    def __init__(
        self,
        turns: list[UserTurn],
        preview: PreviewText | None = None,
        initial_index: int | None = None,
    ) -> None:
        super().__init__()
        self._turns: Sequence[UserTurn] = list(turns)
        self._preview = preview
        self._initial_index = initial_index

    def compose(self) -> ComposeResult:
        with Vertical(id="fork-dialog") as box:
            box.border_title = "Fork from an earlier message"
            count = len(self._turns)
            box.border_subtitle = f"{count} message{'s' * (count != 1)}"
            width = len(str(count))
            with_time = any(turn_time(turn.timestamp) for turn in self._turns)
            yield TurnList(
                *(
                    Option(turn_prompt(turn, width, with_time), id=f"turn-{turn.index}")
                    for turn in self._turns
                ),
                id="fork-options",
            )
            yield Static(NO_TURNS_TEXT, id="fork-empty")
            with VerticalScroll(id="fork-preview-box"):
                yield Static(id="fork-summary")
                yield Static(id="fork-message")
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#fork-dialog")
        box.set_class(not self._turns, "-empty")
        if not self._turns:
            return
        options = self.query_one("#fork-options", OptionList)
        wanted = self._initial_index
        positions = [turn.index for turn in self._turns]
        options.highlighted = (
            positions.index(wanted) if wanted in positions else len(self._turns) - 1
        )
        options.focus()
        self._show_preview()

    def chosen(self) -> UserTurn | None:
        """The highlighted turn, if any (what Enter would fork before)."""
        if not self._turns:
            return None
        index = self.query_one("#fork-options", OptionList).highlighted
        if index is None or not 0 <= index < len(self._turns):
            return None
        return self._turns[index]

    def _show_preview(self) -> None:
        turn = self.chosen()
        if turn is None:
            return
        summary = self._preview(turn.index) if self._preview else default_preview(turn)
        head = Content.styled(
            f"Fork before message {turn.index + 1}. ", "bold not italic $foreground"
        )
        self.query_one("#fork-summary", Static).update(head + safe_content(summary))
        self.query_one("#fork-message", Static).update(safe_content(turn.text.strip() or "(empty)"))
        self.query_one("#fork-preview-box", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#fork-options")
    def _highlighted(self) -> None:
        self._show_preview()

    @on(OptionList.OptionSelected, "#fork-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on the list (``TurnList``), or a click."""
        event.stop()
        self.action_fork()

    def action_fork(self, restore_files: bool = False) -> None:
        turn = self.chosen()
        if turn is not None:
            self.dismiss(ForkChoice(turn.index, restore_files))

    def action_cancel(self) -> None:
        self.dismiss(None)
