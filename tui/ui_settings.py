"""The few settings the first frame needs, read without validating the whole config.

Validating config.toml means importing pydantic and building the config models, about a third
of lha's start-up. The first frame only needs the theme, the keymap and what to show in the
status line, so those are read here with ``tomllib``; the full ``Config`` is loaded right after
the first frame, and any error in the file is reported then (the app exits with it).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.config.home import CONFIG_MAX_BYTES
from core.fs import read_regular_text


@dataclass(frozen=True)
class UiSettings:
    lha_home: Path
    cwd: Path
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    model: str | None = None
    provider: str | None = None
    codex_sessions: bool = True
    """List the Codex CLI's sessions beside lha's (config key ``codex_sessions``)."""


def _table(data: dict[str, object], key: str) -> dict[str, object]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def read_ui_settings(lha_home: Path, cwd: Path, model: str | None = None) -> UiSettings:
    """Best effort: a missing or broken file gives defaults (the full load reports errors)."""
    try:
        text = read_regular_text(lha_home / "config.toml", max_bytes=CONFIG_MAX_BYTES)
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError, RecursionError):
        data = {}
    tui = _table(data, "tui")
    keymap = _table(tui, "keymap")
    return UiSettings(
        lha_home=lha_home,
        cwd=cwd,
        theme=_text(tui.get("theme")),
        keymap={k: v for k, v in keymap.items() if isinstance(v, str)},
        model=model or _text(data.get("model")),
        provider=_text(data.get("model_provider")),
        codex_sessions=data.get("codex_sessions") is not False,
    )
