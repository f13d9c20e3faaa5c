"""Model-provider side: endpoints, catalog refresh strategies, the streaming client.

Names are loaded on first use (PEP 562), so importing ``core.llm.endpoint`` (as the config does
at start-up) does not load the protocol. ``httpx_no_cli`` is installed eagerly: it must be in
place before anything imports httpx, and installing it imports nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core._lazy import lazy_getattr
from core.llm import httpx_no_cli  # noqa: F401  (must be in place before httpx loads)

if TYPE_CHECKING:
    from core.llm.catalog_strategy import (
        CatalogRefreshStrategy,
    )
    from core.llm.endpoint import (
        RuntimeEndpoint,
        WireApi,
        built_in_providers,
    )

_EXPORTS: dict[str, str] = {
    "CatalogRefreshStrategy": "core.llm.catalog_strategy",
    "RuntimeEndpoint": "core.llm.endpoint",
    "WireApi": "core.llm.endpoint",
    "built_in_providers": "core.llm.endpoint",
}

__all__ = [
    "CatalogRefreshStrategy",
    "RuntimeEndpoint",
    "WireApi",
    "built_in_providers",
]


__getattr__ = lazy_getattr(__name__, _EXPORTS)
