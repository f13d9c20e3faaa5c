"""Model-provider side: endpoints, catalog refresh strategies, tool payloads, streaming client.

Only light modules are imported here; the HTTP client lives in ``core.llm.client`` and is imported
where a request is made.
"""

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
