"""What an endpoint's URL and headers must look like to be sent at all.

The HTTP stack refuses a bad URL or header only when a request is made, deep inside a turn or
``lha models``, with errors that name no setting (``InvalidURL``, an ``OverflowError`` for port
99999, a ``UnicodeEncodeError`` for a header value with ``€``). Checked when the config is read,
the same mistakes name the key to fix. Only the standard library is used: this runs at start-up.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from core.errors import ConfigError

MAX_BASE_URL_CHARS = 8_192
URL_SCHEMES = ("http", "https", "embedded")
"""``embedded://`` names the built-in model, whose server gets a free port when it starts."""
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def check_base_url(url: str) -> str:
    """``url`` when an HTTP client can send requests to it; else a ``ValueError`` saying why."""
    if len(url) > MAX_BASE_URL_CHARS:
        raise ValueError(f"it is {len(url):,} characters long (at most {MAX_BASE_URL_CHARS:,})")
    if not is_sendable_text(url) or any(c.isspace() for c in url):
        raise ValueError("it may hold only printable ASCII characters without spaces")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise ValueError(f"it is not a valid URL ({err})") from None
    if parts.scheme.lower() not in URL_SCHEMES or not parts.hostname:
        raise ValueError("it must look like http://host:port/v1 or https://host/v1")
    if port == 0:
        raise ValueError("port 0 cannot be connected to (use 1-65535)")
    return url


def check_headers(headers: dict[str, str] | None) -> dict[str, str] | None:
    """``headers`` when each can be sent as an HTTP header; else a ``ValueError`` naming it."""
    for name, value in (headers or {}).items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(
                f"header name {name!r} may hold only letters, digits and -_.!#$%&'*+^`|~"
            )
        if not is_sendable_text(value):
            raise ValueError(f"the value of header {name!r} may hold only printable ASCII")
    return headers


def is_sendable_text(text: str) -> bool:
    """True when ``text`` can go into an HTTP header or URL as is: printable ASCII (and tabs)."""
    return all(" " <= c <= "~" or c == "\t" for c in text)


def env_header_values(env_http_headers: dict[str, str] | None) -> dict[str, str]:
    """Headers whose values come from environment variables (unset or blank ones left out).

    A variable holding what no header can carry is reported by name, never by value."""
    headers: dict[str, str] = {}
    for name, var in (env_http_headers or {}).items():
        value = os.environ.get(var, "").strip()
        if not value:
            continue
        if not is_sendable_text(value):
            raise ConfigError(
                f"the environment variable {var} (sent as header {name}) holds characters an "
                "HTTP header cannot carry (only printable ASCII); fix or unset it"
            )
        headers[name] = value
    return headers
