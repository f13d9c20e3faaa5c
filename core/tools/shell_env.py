"""The environment a model's command runs with: the user's, minus anything secret.

The model can print its environment, so no key may reach it that way, in any sandbox mode. Three
rules remove a variable: its name looks secret (KEY, SECRET, TOKEN, PASSWORD, CREDENTIAL); it is
the ``env_key`` of a configured provider, whatever its name (``LLM_AUTH``); or its value equals,
or contains, a key lha holds (the key saved by ``lha login``, the values of those ``env_key``
variables), so a copy under another name goes too. Containment only counts for keys of at least
``MIN_CONTAINED_SECRET`` characters: a short value would match innocent variables. Pagers are
disabled because nobody can press `q`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

_SECRET_MARKERS = ("KEY", "SECRET", "TOKEN", "PASSWORD", "CREDENTIAL")
_OVERRIDES = {"PAGER": "cat", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "TERM": "dumb"}
MIN_CONTAINED_SECRET = 8


def command_env(
    base: Mapping[str, str] | None = None,
    *,
    secret_names: Iterable[str] = (),
    secrets: Iterable[str] = (),
) -> dict[str, str]:
    """``base`` (default: lha's environment) without the secret variables (see the module)."""
    source = os.environ if base is None else base
    names = set(secret_names)
    held = {value for value in secrets if value}
    env = {
        name: value
        for name, value in source.items()
        if name not in names and not _looks_secret(name) and not _holds_secret(value, held)
    }
    env.update(_OVERRIDES)
    return env


def held_secrets(secret_names: Iterable[str], saved_key: str | None) -> list[str]:
    """The keys lha holds: ``saved_key`` and the values of the ``secret_names`` variables."""
    values = [os.environ.get(name, "").strip() for name in secret_names]
    if saved_key:
        values.append(saved_key.strip())
    return [value for value in values if value]


def _looks_secret(name: str) -> bool:
    upper = name.upper()
    return any(marker in upper for marker in _SECRET_MARKERS)


def _holds_secret(value: str, held: set[str]) -> bool:
    if value in held or value.strip() in held:
        return True
    return any(len(key) >= MIN_CONTAINED_SECRET and key in value for key in held)
