"""ModelsManager: the model catalog of the current provider (the Codex CLI's ``ModelsManager``).

Sources, merged: the provider's ``GET /models`` (cached per provider in models_cache.json, TTL
300 s) and the bundled presets. For OpenAI itself the catalog is the presets plus anything else
the API lists (hidden from the picker); for any other provider it is what that server serves,
dressed with preset metadata where a slug matches. With no remote list at all (unreachable, no
key, offline without cache) the bundled presets for that kind of provider answer, with a
warning — never an exception.

Concurrency: one asyncio lock serialises refreshes. The ``try_*`` methods never wait: they raise
``TryLockError`` while a refresh holds the lock, so a UI can keep showing its previous list.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.auth import AuthManager, resolve_api_key
from core.errors import ConfigError, LhaError, TryLockError
from core.llm.providers.endpoint import RuntimeEndpoint
from core.models.cache import DEFAULT_TTL_S, CacheEntry, ModelsCache
from core.models.info import IdentityMask, ModelInfo, ModelPreset
from core.models.presets import (
    FALLBACK_PRIORITY,
    IDENTITIES,
    bundled_models,
    fallback_model_info,
    find_model,
    is_official_provider,
)
from core.models.refresh_strategy import CatalogRefreshStrategy

if TYPE_CHECKING:
    import asyncio

    from core.config import Config

log = logging.getLogger("lha.models")

Clock = Callable[[], float]


def _client_version() -> str:
    from core import __version__

    return __version__


class ModelsManager:
    """The catalog for one provider at a time; ``switch_provider`` moves it to another."""

    def __init__(
        self,
        lha_home: Path,
        auth_manager: AuthManager | None,
        model_provider_id: str,
        provider: RuntimeEndpoint,
        *,
        cache_ttl_s: float = DEFAULT_TTL_S,
        clock: Clock = time.time,
        client_version: str | None = None,
    ) -> None:
        self._auth_manager = auth_manager
        self._provider_id = model_provider_id
        self._provider = provider
        self._cache = ModelsCache(lha_home, client_version or _client_version())
        self._ttl_s = cache_ttl_s
        self._clock = clock
        self._lock_obj: asyncio.Lock | None = None
        self._generation = 0
        self._loaded = False
        self._remote: list[ModelInfo] | None = None
        self._fetched_at: float | None = None
        self._etag: str | None = None
        self.last_warning: str | None = None
        """The last fallback warning (unreachable provider, missing key), ``None`` after a
        successful refresh. Front ends may show it next to the list."""

    @classmethod
    def with_provider(
        cls,
        lha_home: Path,
        auth_manager: AuthManager | None,
        model_provider_id: str,
        provider: RuntimeEndpoint,
        **options: Any,
    ) -> ModelsManager:
        """The Codex CLI's test constructor; identical to the normal one here."""
        return cls(lha_home, auth_manager, model_provider_id, provider, **options)

    # -- state --------------------------------------------------------------------------------

    @property
    def provider_id(self) -> str:
        return self._provider_id

    @property
    def provider(self) -> RuntimeEndpoint:
        return self._provider

    @property
    def _lock(self) -> asyncio.Lock:
        # Created on first use so the manager can be built outside a running loop.
        if self._lock_obj is None:
            import asyncio

            self._lock_obj = asyncio.Lock()
        return self._lock_obj

    def is_refreshing(self) -> bool:
        return self._lock_obj is not None and self._lock_obj.locked()

    def _check_unlocked(self) -> None:
        if self.is_refreshing():
            raise TryLockError()

    def _ensure_loaded(self) -> None:
        """Load this provider's usable cache entry (any age) into memory, once. No network."""
        if self._loaded:
            return
        self._loaded = True
        entry = self._cache.load(self._provider_id, self._provider.base_url)
        if entry is not None:
            self._remote = list(entry.models)
            self._fetched_at = entry.fetched_at
            self._etag = entry.etag

    def _is_fresh(self) -> bool:
        if self._fetched_at is None or self._ttl_s <= 0:
            return False
        return 0 <= self._clock() - self._fetched_at <= self._ttl_s

    def _warn(self, message: str) -> None:
        self.last_warning = message
        log.warning("%s", message)

    # -- refresh ------------------------------------------------------------------------------

    async def refresh(self, strategy: CatalogRefreshStrategy) -> None:
        """Bring the in-memory catalog up to date according to ``strategy``."""
        async with self._lock:
            self._ensure_loaded()
            if strategy is CatalogRefreshStrategy.OFFLINE:
                return
            if strategy is CatalogRefreshStrategy.ONLINE_IF_UNCACHED and self._is_fresh():
                return
            await self._fetch()

    async def refresh_if_new_etag(self, etag: str | None) -> None:
        """A response carried the provider's models ETag: renew the TTL if it is the one we
        have, else fetch the list again."""
        async with self._lock:
            self._ensure_loaded()
            if etag and etag == self._etag and self._remote is not None:
                self._fetched_at = self._clock()
                self._store(self._provider_id, self._provider, self._remote, etag)
                return
            await self._fetch()

    async def _fetch(self) -> None:
        """One ``GET /models``; on any failure keep the current list and set ``last_warning``."""
        from core.models.fetch import fetch_remote_models

        generation = self._generation
        provider_id, provider = self._provider_id, self._provider
        fallback = "the cached list" if self._remote is not None else "the bundled presets"
        try:
            api_key = resolve_api_key(provider, self._auth_manager)
        except LhaError as err:  # no key, or one that cannot be sent
            reason = str(err).rstrip(".")
            self._warn(f"not fetching models from {provider.name}: {reason}; using {fallback}")
            return
        etag = self._etag if self._remote is not None else None
        try:
            answer = await fetch_remote_models(provider, api_key, etag)
        except LhaError as err:
            self._warn(f"cannot list models of {provider.name}: {err}; using {fallback}")
            return
        official = is_official_provider(provider_id, provider)
        if answer.entries is None:
            models = list(self._remote or [])
        else:
            models = [_remote_info(entry, official) for entry in answer.entries]
        self._store(provider_id, provider, models, answer.etag)
        if generation != self._generation:
            return  # the manager moved to another provider meanwhile; only the cache keeps this
        self._remote = models
        self._fetched_at = self._clock()
        self._etag = answer.etag
        self.last_warning = None

    def _store(
        self,
        provider_id: str,
        provider: RuntimeEndpoint,
        models: list[ModelInfo],
        etag: str | None,
    ) -> None:
        entry = CacheEntry(
            fetched_at=self._clock(),
            client_version=self._cache.client_version,
            base_url=provider.base_url,
            etag=etag,
            models=models,
        )
        self._cache.store(provider_id, entry)

    async def switch_provider(self, model_provider_id: str, provider: RuntimeEndpoint) -> None:
        """Point the catalog at another provider: forget the in-memory list, load that
        provider's cache. A refresh still running for the old provider only updates its cache."""
        self._generation += 1
        self._provider_id = model_provider_id
        self._provider = provider
        self._remote = None
        self._fetched_at = None
        self._etag = None
        self._loaded = False
        self.last_warning = None
        self._ensure_loaded()

    # -- catalog ------------------------------------------------------------------------------

    def _catalog(self) -> list[ModelInfo]:
        """Every model of the current provider, by priority (stable for equal priorities)."""
        official = is_official_provider(self._provider_id, self._provider)
        presets = [m for m in bundled_models() if m.official == official]
        if self._remote is None:
            models = presets
        elif official:
            known = {m.slug for m in presets}
            models = presets + [m for m in self._remote if m.slug not in known]
        else:
            models = list(self._remote)
        models = [m for m in models if m.supported_in_api]
        return sorted(models, key=lambda m: m.priority)

    def _presets(self) -> list[ModelPreset]:
        catalog = self._catalog()
        default = next((m for m in catalog if m.show_in_picker), catalog[0] if catalog else None)
        return [ModelPreset.from_info(m, is_default=m is default) for m in catalog]

    def _picker(self, config: Config) -> list[ModelPreset]:
        presets = self._presets()
        picker = [p for p in presets if p.show_in_picker]
        configured = config.model
        if configured and not any(p.model == configured for p in picker):
            listed = next((p for p in presets if p.model == configured), None)
            if listed is not None:
                picker.append(listed.model_copy(update={"show_in_picker": True}))
            else:
                info = self._model_info(configured)
                picker.append(ModelPreset.from_info(info.model_copy(update={"visibility": "list"})))
        return picker

    def _model_info(self, slug: str) -> ModelInfo:
        found = find_model(slug, [*(self._remote or []), *bundled_models()])
        if found is None:
            return fallback_model_info(slug)
        return found.model_copy(update={"slug": slug})

    # -- the Codex CLI's surface --------------------------------------------------------------

    async def list_models(
        self, config: Config, strategy: CatalogRefreshStrategy
    ) -> list[ModelPreset]:
        """Every model of the provider (hidden ones too), by priority, the default marked."""
        await self.refresh(strategy)
        return self._presets()

    def try_list_models(self, config: Config) -> list[ModelPreset]:
        """``list_models`` from memory/cache only; raises ``TryLockError`` during a refresh."""
        self._check_unlocked()
        self._ensure_loaded()
        return self._presets()

    async def list_picker_models(
        self, config: Config, strategy: CatalogRefreshStrategy
    ) -> list[ModelPreset]:
        """What a model picker shows: visible models by priority, plus the configured model."""
        await self.refresh(strategy)
        return self._picker(config)

    def try_list_picker_models(self, config: Config) -> list[ModelPreset]:
        self._check_unlocked()
        self._ensure_loaded()
        return self._picker(config)

    async def list_model_switcher_models(
        self, config: Config, strategy: CatalogRefreshStrategy
    ) -> list[ModelPreset]:
        """What ``/model`` offers. The Codex CLI narrows this for ChatGPT sign-in, which lha does
        not have; with API keys it is the picker list."""
        return await self.list_picker_models(config, strategy)

    def try_list_model_switcher_models(self, config: Config) -> list[ModelPreset]:
        return self.try_list_picker_models(config)

    def list_identities(self) -> list[IdentityMask]:
        """The personas a model with ``supports_identity`` can take."""
        return list(IDENTITIES)

    def try_is_official_openai_model(
        self, config: Config, model: str, model_provider_id: str
    ) -> bool:
        """Whether ``model`` served by ``model_provider_id`` is one of OpenAI's own models."""
        self._check_unlocked()
        provider = config.model_providers.get(model_provider_id)
        if provider is None and model_provider_id == self._provider_id:
            provider = self._provider
        if provider is None or not is_official_provider(model_provider_id, provider):
            return False
        found = find_model(model, [m for m in bundled_models() if m.official])
        return found is not None

    async def get_default_model(
        self, model: str | None, config: Config, strategy: CatalogRefreshStrategy
    ) -> str:
        """``model`` when given; else the catalog's default (first visible by priority, else the
        first). Raises ``ConfigError`` when the catalog is empty."""
        if model and model.strip():
            return model.strip()
        presets = await self.list_models(config, strategy)
        chosen = next((p for p in presets if p.is_default), presets[0] if presets else None)
        if chosen is None:
            raise ConfigError(
                f'no model known for provider {self._provider_id}: set model = "..." in '
                "config.toml or pass -m MODEL"
            )
        return chosen.model

    async def get_model_info(self, slug: str, config: Config) -> ModelInfo:
        """Metadata for ``slug``: longest preset/remote slug prefix, then ``namespace/slug``'s
        suffix, else fallback metadata (``used_fallback_model_metadata``). Never fetches."""
        self._ensure_loaded()
        return self._model_info(slug)


def _remote_info(entry: dict[str, Any], official_provider: bool) -> ModelInfo:
    """A provider's model id dressed with what the presets know about it."""
    slug = str(entry["id"])
    found = find_model(slug, bundled_models())
    visibility = "hide" if official_provider else "list"
    if found is not None and found.slug == slug:
        return found
    if found is not None:
        info = found.model_copy(
            update={"slug": slug, "display_name": slug, "visibility": visibility}
        )
    else:
        info = fallback_model_info(slug).model_copy(
            update={"visibility": visibility, "priority": FALLBACK_PRIORITY}
        )
    context = next(
        (
            entry[k]
            for k in ("context_window", "context_length", "max_context_length")
            if isinstance(entry.get(k), int)
        ),
        None,
    )
    if context is not None:  # the provider told its limit: no longer unknown metadata
        info = info.model_copy(
            update={"context_window": context, "used_fallback_model_metadata": False}
        )
    modalities = entry.get("input_modalities")
    if isinstance(modalities, list) and all(isinstance(m, str) for m in modalities):
        info = info.model_copy(update={"input_modalities": modalities})  # the provider says
    return info
