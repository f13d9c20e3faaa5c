"""Which provider to use when the user chose none: OpenAI with a key, else the embedded model.

"With no config and no key" a fresh install should still work offline, so ``local`` wins when
the ``lha[local]`` extra is installed and no OpenAI key is at hand (environment or ``lha
login``). Otherwise ``openai`` stays the default and its missing-key error also names the extra.
Nothing here imports ``llama_cpp``: ``extra_installed`` only searches the import path.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.llm.local import LOCAL_PROVIDER_ID
from core.llm.local.availability import INSTALL_HINT, extra_installed
from core.llm.providers.endpoint import RuntimeEndpoint

OPENAI_PROVIDER_ID = "openai"


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
