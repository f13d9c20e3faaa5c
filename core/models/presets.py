"""Bundled model knowledge: the presets in assets/models.json, slug lookup, fallback metadata.

The presets are what lha knows without a network: the catalog shown when a provider is
unreachable and has no cache, and the metadata (context window, reasoning efforts) laid over the
bare ids a provider's ``GET /models`` returns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from urllib.parse import urlparse

from core.llm.providers.built_in import OPENAI_PROVIDER_ID
from core.llm.providers.endpoint import RuntimeEndpoint
from core.models.info import IdentityMask, ModelInfo

MODELS_ASSET = "models.json"
OPENAI_API_HOST = "api.openai.com"
FALLBACK_PRIORITY = 1000

_NAMESPACE = re.compile(r"^[A-Za-z0-9_-]+$")


@cache
def bundled_models() -> tuple[ModelInfo, ...]:
    """The presets shipped in assets/models.json, sorted by priority (read once per process)."""
    from core.assets import assets_dir

    raw = json.loads((assets_dir() / MODELS_ASSET).read_text(encoding="utf-8"))
    models = [ModelInfo.model_validate(item) for item in raw["models"]]
    return tuple(sorted(models, key=lambda m: m.priority))


def is_official_provider(provider_id: str, provider: RuntimeEndpoint) -> bool:
    """Whether the provider is OpenAI itself (by id, or by the API's host name)."""
    host = urlparse(provider.base_url).hostname or ""
    return provider_id == OPENAI_PROVIDER_ID or host == OPENAI_API_HOST


def _norm(slug: str) -> str:
    """Comparison form: case-insensitive, and Ollama's ``name:tag`` read as ``name-tag``."""
    return slug.strip().lower().replace(":", "-")


def _longest_prefix(slug: str, candidates: Iterable[ModelInfo]) -> ModelInfo | None:
    wanted = _norm(slug)
    best: ModelInfo | None = None
    for candidate in candidates:
        key = _norm(candidate.slug)
        if wanted.startswith(key) and (best is None or len(key) > len(_norm(best.slug))):
            best = candidate
    return best


def find_model(slug: str, candidates: Iterable[ModelInfo]) -> ModelInfo | None:
    """The candidate whose slug is the longest prefix of ``slug``; else, for ``namespace/model``
    with one simple namespace level, the same search on ``model``. ``None`` when nothing fits."""
    pool = list(candidates)
    found = _longest_prefix(slug, pool)
    if found is not None:
        return found
    namespace, sep, rest = slug.partition("/")
    if sep and rest and "/" not in rest and _NAMESPACE.match(namespace):
        return _longest_prefix(rest, pool)
    return None


def fallback_model_info(slug: str) -> ModelInfo:
    """Generic metadata for a slug nothing is known about (``used_fallback_model_metadata``)."""
    return ModelInfo(
        slug=slug,
        display_name=slug,
        priority=FALLBACK_PRIORITY,
        used_fallback_model_metadata=True,
    )


def fallback_metadata_warning(slug: str) -> str:
    """The warning a turn shows when ``get_model_info`` had to use fallback metadata."""
    return (
        f"Model metadata for `{slug}` not found; using generic defaults (unknown context "
        "window, no reasoning efforts). Pick a listed model with /model if this one misbehaves."
    )


IDENTITIES: tuple[IdentityMask, ...] = (
    IdentityMask(
        id="default",
        display_name="Default",
        description="lha's standard voice: direct, complete, no flourish.",
    ),
    IdentityMask(
        id="pragmatic",
        display_name="Pragmatic",
        description="Terse and action-first; shows the change, skips the essay.",
        instructions="Be terse. Lead with the action or the answer; explain only what is needed.",
    ),
    IdentityMask(
        id="friendly",
        display_name="Friendly",
        description="Warm and explanatory; good for learning a codebase.",
        instructions="Be warm and explain your reasoning step by step, as to a new teammate.",
    ),
)
