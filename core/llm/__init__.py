"""Model-provider side: endpoints, catalog refresh strategies, tool payloads, streaming client.

Only light modules are imported here; the HTTP client lives in ``core.llm.client`` and is imported
where a request is made.
"""

# core.protocol imports core.llm.tool_payload, which imports core.protocol.base: load the protocol
# package first so that importing any core.llm module on its own does not hit a circular import.
import core.protocol  # noqa: F401  (import order matters, see above)
from core.llm import httpx_no_cli  # noqa: F401  (httpx without its CLI: see there)
from core.llm.catalog_strategy import CatalogRefreshStrategy
from core.llm.endpoint import RuntimeEndpoint, WireApi, built_in_providers
from core.llm.tool_payload import JsonArguments, ToolCallPayload

__all__ = [
    "CatalogRefreshStrategy",
    "JsonArguments",
    "RuntimeEndpoint",
    "ToolCallPayload",
    "WireApi",
    "built_in_providers",
]
