"""The HTTP transport for a plain-``http`` base URL (a local server): no TLS set up at all.

httpx's own transport builds an ``ssl.SSLContext`` when it is made, whatever the URL: even
``verify=False`` costs ~11 ms (OpenSSL loads its configuration), paid before the first request
of every ``lha exec`` against a local server. This transport is httpx's, with a connection pool
given no context: a plain-``http`` request never needs one, and should an ``https`` URL ever
reach it (a provider's base URL changed mid-session), httpcore makes its default context then,
which verifies certificates: stricter than ``verify=False``, never looser.
"""

from __future__ import annotations

import httpcore
import httpx


class PlainHttpTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` with httpx's default limits, minus the TLS context."""

    def __init__(self) -> None:
        # Not super().__init__(): making the SSLContext is exactly what this class avoids. The
        # base class keeps nothing but ``_pool``, which its request and close methods use.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=None,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
        )
