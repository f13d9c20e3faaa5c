"""The environment a model's command runs with: the user's, minus anything that looks secret.

The model can print its environment; API keys and tokens must not reach it that way (the Codex
CLI drops them by default too). Pagers are disabled because nobody can press `q`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

_SECRET_MARKERS = ("KEY", "SECRET", "TOKEN", "PASSWORD", "CREDENTIAL")
_OVERRIDES = {"PAGER": "cat", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "TERM": "dumb"}


def command_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    source = os.environ if base is None else base
    env = {
        name: value
        for name, value in source.items()
        if not any(marker in name.upper() for marker in _SECRET_MARKERS)
    }
    env.update(_OVERRIDES)
    return env
