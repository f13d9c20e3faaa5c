"""``lha login --with-api-key`` (key read from stdin, never echoed) and ``lha logout``."""

from __future__ import annotations

import sys

from core.errors import InvalidRequest

_EXAMPLE = "`printenv OPENAI_API_KEY | lha login --with-api-key`"


def run_login() -> int:
    from core.auth import AuthManager
    from core.config.home import lha_home_dir

    if sys.stdin is None or sys.stdin.isatty():
        raise InvalidRequest(
            "pipe the key on stdin: `printenv OPENAI_API_KEY | lha login --with-api-key`"
        )
    key = sys.stdin.read().strip()
    if not key:
        raise InvalidRequest(
            "no key on stdin; pipe it in: `printenv OPENAI_API_KEY | lha login --with-api-key`"
        )
    manager = AuthManager(lha_home_dir())
    manager.login_with_api_key(key)
    print(f"saved the API key in {manager.auth_file}", file=sys.stderr)
    return 0


def run_logout() -> int:
    from core.auth import AuthManager
    from core.config.home import lha_home_dir

    manager = AuthManager(lha_home_dir(create=False))
    removed = manager.logout()
    print("removed the saved API key" if removed else "no saved API key", file=sys.stderr)
    return 0
