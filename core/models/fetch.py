"""``GET {base_url}/models`` over httpx, with ETag revalidation and a 5 s budget.

httpx is imported inside the function: listing models is not on lha's start-up path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import ProviderError, ProviderUnreachable, UnauthorizedError
from core.llm.providers.endpoint import RuntimeEndpoint
from core.llm.providers.endpoint_checks import env_header_values

MODELS_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class RemoteModels:
    """What the provider answered: its entries (``None`` when 304 Not Modified) and ETag."""

    entries: list[dict[str, Any]] | None
    etag: str | None


def models_url(provider: RuntimeEndpoint) -> str:
    return provider.base_url.rstrip("/") + "/models"


def request_headers(
    provider: RuntimeEndpoint, api_key: str | None, etag: str | None
) -> dict[str, str]:
    headers = {"Accept": "application/json", **(provider.http_headers or {})}
    headers.update(env_header_values(provider.env_http_headers))
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    if etag:
        headers["If-None-Match"] = etag
    return headers


async def fetch_remote_models(
    provider: RuntimeEndpoint,
    api_key: str | None,
    etag: str | None = None,
    timeout_s: float = MODELS_TIMEOUT_S,
) -> RemoteModels:
    """Fetch the provider's model list; raise a ``ProviderError`` subclass saying what failed.

    Accepts the OpenAI shape ``{"data": [{"id": ...}]}`` and Codex's ``{"models": [{"slug":
    ...}]}``. Error messages never include the key or the request headers.
    """
    if provider.embedded:
        # lha runs this server itself and it serves exactly one alias: no need to start it
        # (300 MB, 1 s) just to list that.
        from core.llm.local import CONTEXT_WINDOW, MODEL_ALIAS

        return RemoteModels(
            entries=[{"id": MODEL_ALIAS, "context_window": CONTEXT_WINDOW}], etag=None
        )

    import httpx

    url = models_url(provider)
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.get(
                url,
                params=provider.query_params or None,
                headers=request_headers(provider, api_key, etag),
            )
    except httpx.TimeoutException:
        raise ProviderUnreachable(
            f"{url} did not answer within {timeout_s:g} s", retryable=True
        ) from None
    except httpx.HTTPError as err:
        raise ProviderUnreachable(f"cannot reach {url} ({type(err).__name__})") from None

    new_etag = response.headers.get("etag") or None
    status = response.status_code
    if status == 304:
        return RemoteModels(entries=None, etag=new_etag or etag)
    if status in (401, 403):
        raise UnauthorizedError(f"{url} rejected the API key (HTTP {status})", status=status)
    if status >= 400:
        raise ProviderError(f"{url} answered HTTP {status}", status=status, retryable=status >= 500)
    try:
        body = response.json()
    except ValueError:
        raise ProviderError(f"{url} did not answer JSON") from None
    return RemoteModels(entries=_entries(body, url), etag=new_etag)


def _entries(body: Any, url: str) -> list[dict[str, Any]]:
    items = body.get("data", body.get("models")) if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise ProviderError(f"{url} answered JSON without a model list")
    entries: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            slug = item.get("id") or item.get("slug")
            if isinstance(slug, str) and slug.strip():
                entries.append({**item, "id": slug.strip()})
        elif isinstance(item, str) and item.strip():
            entries.append({"id": item.strip()})
    return entries
