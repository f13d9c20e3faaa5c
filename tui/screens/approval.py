"""The exec approval modal: may the agent run this command? (``exec_approval_request``)

The command is shown exactly as it will run (``shlex.join``, so quoting is visible) and as plain
text: a command is model output, so ``[bold]`` in it stays literal and terminal escapes are made
inert. Nothing is focused when the modal opens, so an Enter typed for the composer a moment
earlier cannot approve anything; only the explicit keys (or a click, or Tab then Enter) decide.
"""

from __future__ import annotations

import shlex

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from core.protocol.events import ExecApprovalRequest
from core.protocol.ops import ReviewDecision
from tui.screens._safe_text import safe_content

_BUTTONS: tuple[tuple[ReviewDecision, str, str, str], ...] = (
    ("approved", "Approve once", "y", "success"),
    ("approved_for_session", "Approve for session", "a", "primary"),
    ("denied", "Deny", "n", "error"),
    ("abort", "Abort", "esc", "default"),
)


def command_text(request: ExecApprovalRequest) -> str:
    """The command as a shell would read it, quoting and all."""
    return shlex.join(request.command)


def _button_label(text: str, key: str) -> Content:
    return Content.assemble(text, "  ", Content.styled(key, "dim"))


class ApprovalScreen(ModalScreen[ReviewDecision | None]):
    """Ask whether to run ``request.command``; dismisses with the ``ReviewDecision``."""

    AUTO_FOCUS = ""
    """Focus nothing on open (the app default would focus the first button)."""

    DEFAULT_CSS = """
    ApprovalScreen {
        align: center middle;

        #approval {
            width: 84;
            max-width: 96%;
            height: auto;
            max-height: 90%;
            padding: 1 2;
            background: $panel;
            border: round $warning;
            border-title-color: $text-warning;
            border-title-style: bold;
        }
        #approval-command-box {
            height: auto;
            max-height: 40vh;
            background: $surface;
            padding: 0 1;
            margin-bottom: 1;
        }
        #approval-command {
            text-style: bold;
        }
        .approval-field {
            color: $foreground;
            margin-bottom: 1;
        }
        #approval-buttons {
            height: auto;
            margin-top: 1;
            align-horizontal: center;
            & > Button {
                margin-right: 1;
                min-width: 8;
            }
            & > Button:last-of-type {
                margin-right: 0;
            }
        }
    }
    """

    BINDINGS = [
        Binding("y", "decide('approved')", "Approve once", id="approval.approve"),
        Binding(
            "a",
            "decide('approved_for_session')",
            "Approve for session",
            id="approval.approve_for_session",
        ),
        Binding("n", "decide('denied')", "Deny", id="approval.deny"),
        Binding("escape", "decide('abort')", "Abort turn", id="approval.abort"),
    ]

    def __init__(self, request: ExecApprovalRequest, thread_label: str | None = None) -> None:
        """``thread_label`` names the asking thread when several run at once."""
        super().__init__()
        self.request = request
        self.thread_label = thread_label

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(id="approval") as box:
            box.border_title = "Allow this command?"
            if self.thread_label:
                box.border_subtitle = safe_content(self.thread_label)
            with VerticalScroll(id="approval-command-box"):
                yield Static(
                    Content.styled("$ ", "$text-success") + safe_content(command_text(request)),
                    id="approval-command",
                )
            yield Static(
                self._field("in", request.cwd), id="approval-cwd", classes="approval-field"
            )
            if request.reason:
                yield Static(
                    self._field("why", request.reason),
                    id="approval-reason",
                    classes="approval-field",
                )
            with Horizontal(id="approval-buttons"):
                for decision, text, key, variant in _BUTTONS:
                    yield Button(
                        _button_label(text, key),
                        variant=variant,  # type: ignore[arg-type]
                        id=f"approval-{decision.replace('_', '-')}",
                        compact=True,
                    )
        yield Footer()

    @staticmethod
    def _field(name: str, value: str) -> Content:
        return Content.styled(f"{name:<4}", "$foreground-muted") + safe_content(value)

    def action_decide(self, decision: ReviewDecision) -> None:
        self.dismiss(decision)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        for decision, *_ in _BUTTONS:
            if event.button.id == f"approval-{decision.replace('_', '-')}":
                self.dismiss(decision)
                return
