"""models_cache.json: the last model list fetched from each provider.

One file, one entry per provider id: ``{fetched_at, etag, client_version, base_url, models}``.
An entry is *usable* when it was written by this lha version for the same base_url (an upgrade
or a moved server invalidates it); it is *fresh* when also younger than the TTL. A stale but
usable entry still answers when the provider is unreachable or the strategy is ``offline``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.fs import MiB, read_regular_file, write_private_file
from core.models.info import ModelInfo

log = logging.getLogger("lha.models")

CACHE_FILE_NAME = "models_cache.json"
DEFAULT_TTL_S = 300.0
CACHE_MAX_BYTES = 16 * MiB


@dataclass
class CacheEntry:
    """One provider's model list as fetched, with what tells whether it is still fresh."""

    fetched_at: float
    """Seconds since the epoch."""
    client_version: str
    base_url: str
    etag: str | None = None
    models: list[ModelInfo] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "fetched_at": datetime.fromtimestamp(self.fetched_at, UTC).isoformat(),
            "etag": self.etag,
            "client_version": self.client_version,
            "base_url": self.base_url,
            "models": [m.to_dict() for m in self.models],
        }


class ModelsCache:
    """Reads and writes one provider's entry of models_cache.json (file 0600, atomically)."""

    def __init__(self, lha_home: Path, client_version: str) -> None:
        self.path = lha_home / CACHE_FILE_NAME
        self.client_version = client_version

    def load(self, provider_id: str, base_url: str) -> CacheEntry | None:
        """The usable entry for ``provider_id``, or ``None`` (missing, invalid or mismatched)."""
        raw = self._read_all().get(provider_id)
        if not isinstance(raw, dict):
            return None
        try:
            entry = CacheEntry(
                fetched_at=datetime.fromisoformat(str(raw["fetched_at"])).timestamp(),
                client_version=str(raw.get("client_version") or ""),
                base_url=str(raw.get("base_url") or ""),
                etag=raw.get("etag") or None,
                models=[ModelInfo.model_validate(m) for m in raw.get("models") or []],
            )
        except (KeyError, TypeError, ValueError, ValidationError) as err:
            log.info("models cache entry for %s is invalid (%s); ignoring it", provider_id, err)
            return None
        if entry.client_version != self.client_version:
            log.info("models cache for %s was written by another lha version", provider_id)
            return None
        if entry.base_url.rstrip("/") != base_url.rstrip("/"):
            log.info("models cache for %s is for another base_url", provider_id)
            return None
        return entry

    def store(self, provider_id: str, entry: CacheEntry) -> None:
        """Replace ``provider_id``'s entry, keeping the other providers' entries."""
        data = self._read_all()
        data[provider_id] = entry.to_json()
        try:
            write_private_file(self.path, json.dumps(data, indent=2) + "\n")
        except OSError as err:
            log.warning("cannot write %s: %s", self.path, err)

    def _read_all(self) -> dict[str, Any]:
        try:
            data = json.loads(read_regular_file(self.path, max_bytes=CACHE_MAX_BYTES))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as err:
            log.warning("%s is unreadable (%s); treating it as empty", self.path, err)
            return {}
        return data if isinstance(data, dict) else {}
