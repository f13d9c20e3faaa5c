"""Model catalog shapes: what a model is (``ModelInfo``) and how the picker shows it
(``ModelPreset``), plus the identities ("personalities") a model can be asked to wear.

``ModelInfo`` is what bundled presets (assets/models.json) and models_cache.json store;
``ModelPreset`` is derived from it for pickers and ``lha models``.
"""

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from core.protocol.base import WireModel

ModelVisibility = Literal["list", "hide", "none"]


class ReasoningEffortPreset(WireModel):
    """One reasoning effort a model accepts, with a line saying when to use it."""

    effort: str
    description: str = ""


def _efforts(value: Any) -> Any:
    """Accept ``["low", "high"]`` as shorthand for ``[{"effort": "low"}, ...]``."""
    if isinstance(value, list):
        return [{"effort": item} if isinstance(item, str) else item for item in value]
    return value


class ModelInfo(WireModel):
    """Everything lha knows about one model slug."""

    slug: str
    display_name: str
    description: str | None = None
    context_window: int | None = None
    auto_compact_token_limit: int | None = None
    supported_reasoning_efforts: list[ReasoningEffortPreset] = Field(default_factory=list)
    default_reasoning_effort: str | None = None
    visibility: ModelVisibility = "list"
    priority: int = 100
    supported_in_api: bool = True
    supports_identity: bool = False
    official: bool = False
    """An OpenAI model (bundled preset); local and open-weight models are not."""
    input_modalities: list[str] | None = None
    """What the model reads (``["text", "image"]``); None when the catalog does not say (a
    user's own server): then lha sends images and lets the provider answer."""
    used_fallback_model_metadata: bool = False
    """True when nothing was known about the slug and generic defaults were used."""

    @field_validator("supported_reasoning_efforts", mode="before")
    @classmethod
    def _normalise_efforts(cls, value: Any) -> Any:
        return _efforts(value)

    @property
    def show_in_picker(self) -> bool:
        return self.visibility == "list"

    @property
    def refuses_images(self) -> bool:
        """The catalog knows this model and says it takes no images (an unknown model is
        given the benefit of the doubt: its provider answers)."""
        return self.input_modalities is not None and "image" not in self.input_modalities


def images_refused_message(model: str) -> str:
    """The one line shown when images are sent to a model the catalog lists as text-only."""
    return (
        f"the model {model} takes no images (the model catalog lists it as text-only); "
        "remove the images or switch to a model that takes them"
    )


class ModelPreset(WireModel):
    """A model as a picker shows it. ``is_default`` marks the catalog's default."""

    model_config = ConfigDict(defer_build=True)  # built for a picker or ``lha models``, not a turn

    id: str
    model: str
    display_name: str
    description: str = ""
    default_reasoning_effort: str | None = None
    supported_reasoning_efforts: list[ReasoningEffortPreset] = Field(default_factory=list)
    supports_identity: bool = False
    is_default: bool = False
    show_in_picker: bool = True
    supported_in_api: bool = True
    context_window: int | None = None
    input_modalities: list[str] | None = None
    """As ``ModelInfo.input_modalities``: None when unknown."""

    @property
    def refuses_images(self) -> bool:
        """The catalog knows this model and says it takes no images."""
        return self.input_modalities is not None and "image" not in self.input_modalities

    @classmethod
    def from_info(cls, info: ModelInfo, *, is_default: bool = False) -> "ModelPreset":
        return cls(
            id=info.slug,
            model=info.slug,
            display_name=info.display_name,
            description=info.description or "",
            default_reasoning_effort=info.default_reasoning_effort,
            supported_reasoning_efforts=list(info.supported_reasoning_efforts),
            supports_identity=info.supports_identity,
            is_default=is_default,
            show_in_picker=info.show_in_picker,
            supported_in_api=info.supported_in_api,
            context_window=info.context_window,
            input_modalities=info.input_modalities,
        )


class IdentityMask(WireModel):
    """A persona a model can be asked to answer in (``override_turn_context.identity``).

    Only models whose ``supports_identity`` is true receive its ``instructions``.
    """

    id: str
    display_name: str
    description: str = ""
    instructions: str = ""
