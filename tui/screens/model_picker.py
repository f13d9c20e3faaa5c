"""The model picker: type to filter the catalog, Enter to switch, Esc to keep the current model.

It opens at once on the list it is given (the caller's cached ``try_list_picker_models``) and, if
given ``refresh``, fetches the fresh list in a worker and swaps it in without moving the highlight,
so a slow ``/models`` endpoint never delays the dialog. The filter input keeps the focus all the
time; up/down/page keys move the list's highlight from there, so the user never has to Tab.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from core.models.info import ModelPreset
from core.sanitize import neutralize_terminal_escapes
from tui.fuzzy import FuzzyMatch, fuzzy_match
from tui.screens._safe_text import highlight_positions, safe_content

RefreshModels = Callable[[], Awaitable[list[ModelPreset]]]

NO_MATCH_TEXT = "no model matches"
LOADING_TEXT = "Loading models…"
NO_MODELS_TEXT = "No models available: check the provider in config.toml, or type `lha models`."
CURRENT_MARKER = "● current"
DEFAULT_MARKER = "default"
_MATCH_STYLE = "bold underline $text-accent"


class _PassiveOptionList(OptionList, can_focus=False):
    """An OptionList driven from the filter input: clicks still pick, but it never takes focus."""


@dataclass(frozen=True, slots=True)
class _Row:
    """One model as currently shown: its preset and where the filter matched it."""

    preset: ModelPreset
    name: str
    slug: str
    name_match: FuzzyMatch | None
    slug_match: FuzzyMatch | None

    @property
    def score(self) -> float:
        return max(match.score for match in (self.name_match, self.slug_match) if match)


def _context_label(tokens: int) -> str:
    if tokens >= 1_000_000:
        millions = f"{tokens / 1_000_000:.1f}".removesuffix(".0")
        return f"{millions}M context"
    return f"{round(tokens / 1000)}K context"


def _dedupe(models: Sequence[ModelPreset], current: str | None) -> list[ModelPreset]:
    """Pickable models, first of each slug; a hidden model stays if it is the current one."""
    seen: set[str] = set()
    kept: list[ModelPreset] = []
    for preset in models:
        if preset.model in seen or not (preset.show_in_picker or preset.model == current):
            continue
        seen.add(preset.model)
        kept.append(preset)
    return kept


def filter_models(models: Sequence[ModelPreset], query: str) -> list[_Row]:
    """The models matching ``query`` (fuzzy on display name and slug), best first.

    An empty query keeps the catalog's order. Matching runs on the neutralised text, which is what
    is displayed, so highlight positions line up.
    """
    rows: list[_Row] = []
    for preset in models:
        name = neutralize_terminal_escapes(preset.display_name or preset.model)
        slug = neutralize_terminal_escapes(preset.model)
        name_match, slug_match = fuzzy_match(query, name), fuzzy_match(query, slug)
        if name_match is None and slug_match is None:
            continue
        rows.append(_Row(preset, name, slug, name_match, slug_match))
    if query.strip():
        rows.sort(key=lambda row: -row.score)  # stable: ties keep catalog order
    return rows


def model_prompt(row: _Row, current: str | None) -> Content:
    """Two lines: marker, name, slug and tags; then the description and context size, dimmed."""
    preset = row.preset
    is_current = preset.model == current
    name = highlight_positions(
        safe_content(row.name, "bold"),
        row.name_match.positions if row.name_match else (),
        _MATCH_STYLE,
    )
    parts: list[Content | str] = [
        Content.styled("● " if is_current else "  ", "$text-accent"),
        name,
    ]
    if row.slug != row.name:
        slug = safe_content(row.slug, "$foreground-muted")
        positions = row.slug_match.positions if row.slug_match else ()
        parts += ["  ", highlight_positions(slug, positions, _MATCH_STYLE)]
    tags: list[Content] = []
    if is_current:
        tags.append(Content.styled(CURRENT_MARKER, "bold $text-accent"))
    if preset.is_default:
        tags.append(Content.styled(DEFAULT_MARKER, "italic $text-secondary"))
    if tags:
        parts += ["  ", Content(" · ").join(tags)]
    details: list[str] = []
    if preset.description.strip():
        details.append(preset.description.strip())
    if preset.context_window:
        details.append(_context_label(preset.context_window))
    first = Content.assemble(*parts)
    if not details:
        return first
    second = safe_content("    " + " · ".join(details), "$foreground-muted")
    return Content("\n").join([first, second])


class ModelPickerScreen(ModalScreen[str | None]):
    """Pick a model; dismisses with its slug on Enter, or None on Esc."""

    DEFAULT_CSS = """
    ModelPickerScreen {
        align: center middle;

        #model-picker {
            width: 80;
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
        #model-filter {
            margin-bottom: 1;
        }
        #model-options {
            height: auto;
            max-height: 60vh;
            padding: 0;
            border: none;
            background: $panel;
            & > .option-list--option {
                padding: 0 1;
            }
            & > .option-list--option-highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        #model-empty {
            display: none;
            color: $text-muted;
            text-style: italic;
            padding: 0 1 1 1;
        }
        #model-status {
            display: none;
            color: $text-warning;
            padding: 0 1;
        }
        #model-picker.-empty #model-empty, #model-picker.-status #model-status {
            display: block;
        }
    }
    """

    BINDINGS = [
        Binding("enter", "pick", "Use model", id="model_picker.pick", priority=True),
        Binding("escape", "cancel", "Cancel", id="model_picker.cancel"),
        Binding("down", "move(1)", "Next", id="model_picker.down", show=False),
        Binding("up", "move(-1)", "Previous", id="model_picker.up", show=False),
        Binding("pagedown", "page(1)", "Page down", id="model_picker.page_down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="model_picker.page_up", show=False),
    ]

    def __init__(
        self,
        models: list[ModelPreset],
        current: str | None,
        refresh: RefreshModels | None = None,
    ) -> None:
        super().__init__()
        self._current = current
        self._models = _dedupe(models, current)
        self._refresh = refresh
        self._refreshing = refresh is not None
        self._rows: list[_Row] = []
        self._shown_query = ""

    @property
    def models(self) -> list[ModelPreset]:
        """The pickable models now known (after any refresh)."""
        return list(self._models)

    def compose(self) -> ComposeResult:
        with Vertical(id="model-picker") as box:
            box.border_title = "Switch model"
            yield Input(placeholder="Type to filter models…", id="model-filter")
            yield _PassiveOptionList(id="model-options")
            yield Static(NO_MATCH_TEXT, id="model-empty")
            yield Static(id="model-status")
        yield Footer()

    def on_mount(self) -> None:
        self._show(keep=self._initial_model())
        if self._refresh is not None:
            self._refresh_models()

    # -- list ----------------------------------------------------------------------------------

    @property
    def _options(self) -> OptionList:
        return self.query_one("#model-options", OptionList)

    def highlighted_model(self) -> str | None:
        """The slug under the highlight, if any (what Enter would pick)."""
        index = self._options.highlighted
        if index is None or not 0 <= index < len(self._rows):
            return None
        return self._rows[index].preset.model

    def _show(self, keep: str | None) -> None:
        """Rebuild the options for the current filter; highlight ``keep`` if shown, else the top."""
        query = self.query_one("#model-filter", Input).value
        self._shown_query = query
        self._rows = filter_models(self._models, query)
        options = self._options
        options.set_options(
            Option(model_prompt(row, self._current), id=row.preset.model) for row in self._rows
        )
        slugs = [row.preset.model for row in self._rows]
        if keep in slugs:
            options.highlighted = slugs.index(keep)
        else:
            options.highlighted = 0 if slugs else None
        options.display = bool(slugs)
        picker = self.query_one("#model-picker")
        picker.set_class(not slugs, "-empty")
        if not slugs:
            self.query_one("#model-empty", Static).update(self._empty_text(query))
        total = len(self._models)
        shown = f"{len(slugs)} of {total}" if query.strip() else f"{total}"
        picker.border_subtitle = f"{shown} model{'s' if total != 1 else ''}"

    def _empty_text(self, query: str) -> str:
        if query.strip() and self._models:
            return NO_MATCH_TEXT
        return LOADING_TEXT if self._refreshing else NO_MODELS_TEXT

    def _initial_model(self) -> str | None:
        """The current model, else the catalog's default: where the highlight starts."""
        if any(preset.model == self._current for preset in self._models):
            return self._current
        return next((preset.model for preset in self._models if preset.is_default), None)

    @on(Input.Changed, "#model-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Typing puts the best match on top and highlights it; clearing keeps the highlight."""
        self._show(keep=None if event.value.strip() else self.highlighted_model())

    # -- refresh -------------------------------------------------------------------------------

    @work(exit_on_error=False, exclusive=True, group="model-picker-refresh")
    async def _refresh_models(self) -> None:
        """Fetch the fresh catalog and swap it in, keeping the highlighted model highlighted."""
        assert self._refresh is not None
        try:
            fresh = await self._refresh()
        finally:
            self._refreshing = False
        keep = self.highlighted_model()
        self._models = _dedupe(fresh, self._current)
        self._show(keep=keep or self._initial_model())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed refresh is not fatal: say so, and keep the list already shown."""
        if event.worker.group != "model-picker-refresh" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        status = self.query_one("#model-status", Static)
        status.update(safe_content(f"Could not refresh the model list: {error}"))
        self.query_one("#model-picker").add_class("-status")
        if not self._rows:
            self._show(keep=None)  # "Loading models…" is no longer true

    # -- actions -------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if step > 0:
            self._options.action_cursor_down()
        else:
            self._options.action_cursor_up()

    def action_page(self, step: int) -> None:
        if step > 0:
            self._options.action_page_down()  # type: ignore[no-untyped-call]
        else:
            self._options.action_page_up()  # type: ignore[no-untyped-call]

    def action_pick(self) -> None:
        # A priority binding runs when the app reads Enter, maybe before the filter has taken
        # the characters typed just before it: pick once the input has them, and filter by
        # them first if the list has not caught up yet.
        self.query_one("#model-filter", Input).call_later(self._pick_after_typing)

    def _pick_after_typing(self) -> None:
        if not self.is_active:
            return
        if self.query_one("#model-filter", Input).value != self._shown_query:
            self._show(keep=None)
        slug = self.highlighted_model()
        if slug is not None:
            self.dismiss(slug)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#model-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)
