"""A yes/no question as a small modal: the shape shared by every "are you sure?" lha asks.

Nothing is focused on open, so an Enter meant for the composer or the thread list cannot answer
it; the yes key (each subclass's own binding, so it can be remapped by id) or a click does, and
Esc says no. Subclasses give the words, the keys and the ids; the layout lives here once.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class YesNoScreen(ModalScreen[bool]):
    """Dismisses with True for yes, False for no."""

    AUTO_FOCUS = ""
    ID_PREFIX: ClassVar[str] = "yes-no"
    """Ids of the parts: ``<prefix>`` (the box), ``<prefix>-text``, ``<prefix>-<yes_id>``."""
    TITLE_TEXT: ClassVar[str] = ""
    YES: ClassVar[tuple[str, str, str]] = ("Yes", "y", "yes")
    """The yes button's label, the key shown beside it and its id's suffix."""
    NO: ClassVar[tuple[str, str, str]] = ("No", "esc", "no")
    YES_VARIANT: ClassVar[str] = "primary"

    DEFAULT_CSS = """
    YesNoScreen {
        align: center middle;

        .yes-no-box {
            width: 72;
            max-width: 96%;
            height: auto;
            padding: 1 2;
            background: $panel;
            border: round $warning;
            border-title-color: $text-warning;
            border-title-style: bold;
        }
        .yes-no-box.danger {
            border: round $error;
            border-title-color: $text-error;
        }
        .yes-no-buttons {
            height: auto;
            margin-top: 1;
            align-horizontal: center;
            & > Button {
                margin-right: 1;
                min-width: 8;
            }
        }
    }
    """

    def __init__(self, question: str, *, title: str | None = None, danger: bool = False) -> None:
        """``title`` and ``danger`` (a red box and yes button) for a question whose words
        depend on what is asked about; the class's own otherwise."""
        super().__init__()
        self.question = question
        self.box_title = self.TITLE_TEXT if title is None else title
        self.danger = danger or self.YES_VARIANT == "error"

    def compose(self) -> ComposeResult:
        prefix = self.ID_PREFIX
        danger = " danger" if self.danger else ""
        with Vertical(id=prefix, classes=f"yes-no-box{danger}") as box:
            box.border_title = self.box_title
            yield Static(Content(self.question), id=f"{prefix}-text")
            with Horizontal(classes="yes-no-buttons"):
                (yes_label, yes_key, yes_id), (no_label, no_key, no_id) = self.YES, self.NO
                yield Button(
                    _label(yes_label, yes_key),
                    variant="error" if self.danger else self.YES_VARIANT,  # type: ignore[arg-type]
                    id=f"{prefix}-{yes_id}",
                    compact=True,
                )
                yield Button(_label(no_label, no_key), id=f"{prefix}-{no_id}", compact=True)

    def action_decide(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == f"{self.ID_PREFIX}-{self.YES[2]}")


def _label(text: str, key: str) -> Content:
    return Content.assemble(text, "  ", Content.styled(key, "dim"))
