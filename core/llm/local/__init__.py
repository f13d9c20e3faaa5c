"""The embedded model: SmolLM2-135M-Instruct served by ``llama_cpp.server``, started by lha.

The built-in provider ``local`` is an ``embedded`` endpoint: its ``base_url`` is only a name,
because the server gets a free loopback port when it starts. The server is started lazily by the
first model request (``LocalModelClient``), shared by every thread of the process, and stopped
at exit (see ``core.llm.local.server``). Nothing here imports ``llama_cpp``: whether the
``lha[local]`` extra is installed is answered with ``importlib.util.find_spec`` (see
``availability``), so lha's start-up never pays for it.
"""

from __future__ import annotations

from core.llm.providers.endpoint import RuntimeEndpoint

LOCAL_PROVIDER_ID = "local"
MODEL_ALIAS = "smollm2-135m"
"""The model id the server answers to (it ignores the ``model`` field of requests anyway)."""
CONTEXT_WINDOW = 4096
EMBEDDED_BASE_URL = f"embedded://{MODEL_ALIAS}"
"""A name, never dialled: requests go to the running server's real address."""


def local_endpoint() -> RuntimeEndpoint:
    """The built-in ``local`` provider.

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
