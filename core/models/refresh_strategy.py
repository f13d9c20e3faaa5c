"""How eagerly the model catalog goes to the network."""

from __future__ import annotations

from enum import StrEnum


class CatalogRefreshStrategy(StrEnum):
    ONLINE = "online"
    """Always fetch ``GET /models`` (falling back to cache, then presets, when unreachable)."""
    OFFLINE = "offline"
    """Never touch the network: cache, else the bundled presets."""
    ONLINE_IF_UNCACHED = "online_if_uncached"
    """Fetch only when there is no fresh cache (TTL 300 s)."""
