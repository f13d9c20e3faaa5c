"""Model and reasoning effort as ACP session config options, switched the TUI picker's way.

The catalog is the one the picker lists; choosing a value submits the same
``OverrideTurnContext`` op the picker does, so the next turn of that thread uses it.
"""

from __future__ import annotations

from acp.schema import SessionConfigOptionSelect, SessionConfigSelectOption

from core.protocol.models import ModelPreset

MODEL_OPTION = "model"
EFFORT_OPTION = "reasoning_effort"


def model_option(presets: list[ModelPreset], current: str) -> SessionConfigOptionSelect:
    options = [
        SessionConfigSelectOption(
            value=p.model, name=p.display_name or p.model, description=p.description or None
        )
        for p in presets
    ]
    if current not in {p.model for p in presets}:
        options.insert(0, SessionConfigSelectOption(value=current, name=current))
    return SessionConfigOptionSelect(
        id=MODEL_OPTION,
        name="Model",
        category="model",
        type="select",
        current_value=current,
        options=options,
    )


def effort_option(
    preset: ModelPreset | None, current: str | None
) -> SessionConfigOptionSelect | None:
    """The reasoning effort choices of the current model; None when it offers none."""
    if preset is None or not preset.supported_reasoning_efforts:
        return None
    efforts = [e.effort for e in preset.supported_reasoning_efforts]
    chosen = current if current in efforts else (preset.default_reasoning_effort or efforts[0])
    return SessionConfigOptionSelect(
        id=EFFORT_OPTION,
        name="Reasoning effort",
        category="thought_level",
        type="select",
        current_value=chosen,
        options=[SessionConfigSelectOption(value=e, name=e) for e in efforts],
    )


def config_options(
    presets: list[ModelPreset], model: str, effort: str | None
) -> list[SessionConfigOptionSelect]:
    preset = next((p for p in presets if p.model == model), None)
    effort_choice = effort_option(preset, effort)
    return [model_option(presets, model), *([effort_choice] if effort_choice else [])]
