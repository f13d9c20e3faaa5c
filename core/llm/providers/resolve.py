"""The providers a config has, and which one it uses.

``resolve_providers``: the built-ins, each field overridable by a ``[model_providers.ID]``
table, plus the user's own providers. ``default_provider``: which one to use when the user chose
none. "With no config and no key" a fresh install should still work offline, so ``local`` wins
when the ``lha[local]`` extra is installed and no OpenAI key is at hand (environment or ``lha
login``). Otherwise ``openai`` stays the default and its missing-key error also names the extra.
Nothing here imports ``llama_cpp``: ``extra_installed`` only searches the import path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.llm.providers.built_in import LOCAL_PROVIDER_ID, OPENAI_PROVIDER_ID, built_in_providers
from core.llm.providers.endpoint import RuntimeEndpoint


class ProviderTableError(ValueError):
    """The ``[model_providers.<provider_id>]`` table does not make a valid provider; the
    config loader reports ``error`` with the file and line of the offending key."""

    def __init__(self, provider_id: str, error: ValidationError) -> None:
        super().__init__(f"model_providers.{provider_id}: {error}")
        self.provider_id = provider_id
        self.error = error


def resolve_providers(tables: Mapping[str, Mapping[str, Any]]) -> dict[str, RuntimeEndpoint]:
    """Built-ins, each overridable field by field, plus the user's own providers."""
    providers = built_in_providers()
    for provider_id, table in tables.items():
        base = providers[provider_id].model_dump() if provider_id in providers else {}
        merged = {"name": provider_id, **base, **table}
        try:
            providers[provider_id] = RuntimeEndpoint.model_validate(merged)
        except ValidationError as err:
            raise ProviderTableError(provider_id, err) from None
    return providers


def _has_openai_key(openai: RuntimeEndpoint, lha_home: Path) -> bool:
    if openai.env_key and os.environ.get(openai.env_key, "").strip():
        return True
    from core.auth import AuthManager

    return AuthManager(lha_home).auth() is not None


def default_provider(
    providers: dict[str, RuntimeEndpoint], lha_home: Path, config_path: Path
) -> tuple[str, dict[str, RuntimeEndpoint], str | None]:
    """The provider id, the providers (OpenAI's key hint extended when it applies) and a
    one-line notice to show once when the embedded model was picked."""
    openai = providers[OPENAI_PROVIDER_ID]
    if _has_openai_key(openai, lha_home):
        return OPENAI_PROVIDER_ID, providers, None
    # Only without a provider chosen: the look for the embedded model (``importlib.util``)
    # is no cost of a config that names one.
    from core.llm.local.availability import INSTALL_HINT, extra_installed

    if LOCAL_PROVIDER_ID in providers and extra_installed():
        var = openai.env_key or "OPENAI_API_KEY"
        notice = (
            "no model provider configured and no OpenAI key: using the embedded local model "
            f"(SmolLM2-135M, offline); to switch, export {var} or set model_provider in "
            f"{config_path}"
        )
        return LOCAL_PROVIDER_ID, providers, notice
    hint = f"{openai.env_key_instructions or ''} Or, to work offline without a key, {INSTALL_HINT}."
    updated = {
        **providers,
        OPENAI_PROVIDER_ID: openai.model_copy(update={"env_key_instructions": hint.strip()}),
    }
    return OPENAI_PROVIDER_ID, updated, None
