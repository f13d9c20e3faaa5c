"""``lha login --with-api-key`` (key read from stdin, never echoed) and ``lha logout``."""

from __future__ import annotations

import sys

from core.errors import InvalidRequest
from tui.commands.output import note

_EXAMPLE = "`printenv OPENAI_API_KEY | lha login --with-api-key`"


def run_login() -> int:
    from core.auth import AuthManager
    from core.config.home import lha_home_dir

    if sys.stdin is None or sys.stdin.isatty():
        raise InvalidRequest(
            "pipe the key on stdin: `printenv OPENAI_API_KEY | lha login --with-api-key`"
        )
    key = _read_stdin_text().strip()
    if not key:
        raise InvalidRequest(
            "no key on stdin; pipe it in: `printenv OPENAI_API_KEY | lha login --with-api-key`"
        )
    manager = AuthManager(lha_home_dir())
    manager.login_with_api_key(key)
    note(f"saved the API key in {manager.auth_file}")
    return 0


def run_logout() -> int:
    from core.auth import AuthManager
    from core.config.home import lha_home_dir

    manager = AuthManager(lha_home_dir(create=False))
    removed = manager.logout()
    note("removed the saved API key" if removed else "no saved API key")
    return 0


def _read_stdin_text() -> str:
    """stdin as text; bytes that are not UTF-8 cannot be an API key, so they are refused."""
    raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest(
            "the API key on stdin is not text; an API key is one word of printable ASCII"
        ) from None
