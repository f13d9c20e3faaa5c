"""The embedded model: SmolLM2-135M-Instruct served by ``llama_cpp.server``, started by lha.

The built-in provider ``local`` (``core.llm.providers.built_in``) is an ``embedded`` endpoint:
its ``base_url`` is only a name, because the server gets a free loopback port when it starts. The
server is started lazily by the first model request (``LocalModelClient``), shared by every
thread of the process, and stopped at exit (see ``core.llm.local.server``). Nothing here imports
``llama_cpp``: whether the ``lha[local]`` extra is installed is answered with
``importlib.util.find_spec`` (see ``availability``), so lha's start-up never pays for it.
"""

from __future__ import annotations

MODEL_ALIAS = "smollm2-135m"
"""The model id the server answers to (it ignores the ``model`` field of requests anyway)."""
CONTEXT_WINDOW = 4096
