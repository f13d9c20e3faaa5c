"""Talking to models: providers, the streaming client, the two wire APIs, the embedded model.

``httpx_no_cli`` is installed eagerly: it must be in place before anything imports httpx, and
installing it imports nothing. Everything else is imported from its own module
(``core.llm.providers.endpoint``, ``core.llm.client``, ...), so importing one does not load
the others."""

from __future__ import annotations

from core.llm import httpx_no_cli  # noqa: F401  (must be in place before httpx loads)
