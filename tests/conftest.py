"""Suite-wide fixtures live in tests/support; this file only makes them visible to every test."""

from tests.support.fixtures import (
    _fast_model_retries,
    _no_codex_home,
    http_server_url,
    scripted_server,
    scripted_server_thread,
)

__all__ = [
    "_fast_model_retries",
    "_no_codex_home",
    "http_server_url",
    "scripted_server",
    "scripted_server_thread",
]
