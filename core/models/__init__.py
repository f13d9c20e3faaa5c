"""The model catalog: bundled presets, the provider's ``GET /models``, the per-provider cache."""

from core.models.manager import ModelsManager
from core.models.presets import (
    IDENTITIES,
    bundled_models,
    fallback_metadata_warning,
    fallback_model_info,
    find_model,
    is_official_provider,
)

__all__ = [
    "IDENTITIES",
    "ModelsManager",
    "bundled_models",
    "fallback_metadata_warning",
    "fallback_model_info",
    "find_model",
    "is_official_provider",
]
