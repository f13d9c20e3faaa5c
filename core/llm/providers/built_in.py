"""The providers every user has without configuring anything (config.toml can override any of
their fields, ``core.llm.providers.resolve``)."""

from __future__ import annotations

from core.llm.local import MODEL_ALIAS
from core.llm.providers.endpoint import RuntimeEndpoint

OPENAI_PROVIDER_ID = "openai"
LOCAL_PROVIDER_ID = "local"
EMBEDDED_BASE_URL = f"embedded://{MODEL_ALIAS}"
"""A name, never dialled: requests go to the running server's real address."""


def local_endpoint() -> RuntimeEndpoint:
    """The built-in ``local`` provider: the embedded model (``core.llm.local``).

    Chat Completions only: llama.cpp's server has no ``/v1/responses``. A first request may
    wait for the server to load (about 1 s), hence the generous idle timeout.
    """
    return RuntimeEndpoint(
        name="Local model (SmolLM2-135M)",
        base_url=EMBEDDED_BASE_URL,
        wire_api="chat",
        embedded=True,
        request_max_retries=2,
        stream_max_retries=1,
        stream_idle_timeout_ms=120_000,
    )


def built_in_providers() -> dict[str, RuntimeEndpoint]:
    """Every built-in provider by id, made fresh (a caller may replace entries)."""
    return {
        OPENAI_PROVIDER_ID: RuntimeEndpoint(
            name="OpenAI",
            base_url="https://api.openai.com/v1",
            env_key="OPENAI_API_KEY",
            env_key_instructions="Create a key at platform.openai.com, then export it.",
            wire_api="responses",
            env_http_headers={
                "OpenAI-Organization": "OPENAI_ORGANIZATION",
                "OpenAI-Project": "OPENAI_PROJECT",
            },
            requires_auth=True,
        ),
        "ollama": RuntimeEndpoint(
            name="Ollama", base_url="http://localhost:11434/v1", wire_api="chat"
        ),
        "lmstudio": RuntimeEndpoint(
            name="LM Studio", base_url="http://localhost:1234/v1", wire_api="chat"
        ),
        LOCAL_PROVIDER_ID: local_endpoint(),
    }
