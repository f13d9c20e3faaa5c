"""After picking a model that reasons: how hard it should think (the catalog lists its levels).

A second small step rather than more rows in the model picker, so the model list stays one line
per model; Esc keeps the effort the thread had.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from core.models.info import ModelPreset
from tui.screens._safe_text import safe_content


class EffortList(OptionList):
    BINDINGS = [Binding("enter", "select", "Use this effort", id="effort_picker.choose")]


class EffortPickerScreen(ModalScreen[str | None]):
    """Dismisses with the chosen effort, or None on Esc."""

    DEFAULT_CSS = """
    EffortPickerScreen {
        align: center middle;
        #effort-picker {
            width: 70;
            max-width: 94%;
            height: auto;
            padding: 1 2;
            background: $panel;
            border: round $accent;
            border-title-color: $text-accent;
            border-title-style: bold;
        }
        #effort-options { height: auto; border: none; background: $panel; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Keep the current effort", id="effort_picker.cancel")]

    def __init__(self, preset: ModelPreset, current: str | None) -> None:
        super().__init__()
        self._efforts = [e.effort for e in preset.supported_reasoning_efforts]
        self._descriptions = [e.description for e in preset.supported_reasoning_efforts]
        self._title = f"Reasoning effort for {preset.display_name or preset.model}"
        self._initial = current or preset.default_reasoning_effort

    def compose(self) -> ComposeResult:
        with Vertical(id="effort-picker") as box:
            box.border_title = safe_content(self._title)
            yield EffortList(
                *(
                    Option(
                        Content.assemble(
                            safe_content(effort, "bold"),
                            "  ",
                            safe_content(description, "$foreground-muted"),
                        )
                    )
                    for effort, description in zip(self._efforts, self._descriptions, strict=True)
                ),
                id="effort-options",
            )

    def on_mount(self) -> None:
        options = self.query_one(EffortList)
        if self._initial in self._efforts:
            options.highlighted = self._efforts.index(self._initial)
        options.focus()

    @on(OptionList.OptionSelected, "#effort-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._efforts[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
