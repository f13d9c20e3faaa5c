"""The model catalog: what a model is (``info``), the bundled presets, the provider's
``GET /models``, the per-provider cache and how eagerly to refresh it (``refresh_strategy``).

Names are loaded on first use (PEP 562): the model picker imports ``core.models.info`` without
paying for the manager and its HTTP client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core._lazy import lazy_getattr

if TYPE_CHECKING:
    from core.models.manager import ModelsManager
    from core.models.presets import (
        IDENTITIES,
        bundled_models,
        fallback_metadata_warning,
        fallback_model_info,
        find_model,
        is_official_provider,
    )

_EXPORTS: dict[str, str] = {
    "IDENTITIES": "core.models.presets",
    "ModelsManager": "core.models.manager",
    "bundled_models": "core.models.presets",
    "fallback_metadata_warning": "core.models.presets",
    "fallback_model_info": "core.models.presets",
    "find_model": "core.models.presets",
    "is_official_provider": "core.models.presets",
}

__all__ = [
    "IDENTITIES",
    "ModelsManager",
    "bundled_models",
    "fallback_metadata_warning",
    "fallback_model_info",
    "find_model",
    "is_official_provider",
]

__getattr__ = lazy_getattr(__name__, _EXPORTS)
