"""User configuration: LHA_HOME, config.toml, ``-c`` overrides and CLI flags.

``from core.config import Config`` is the entry point; ``Config.load`` does the reading. Names
load on first use (PEP 562): ``core.config.home`` alone is cheap, so a front end can find
LHA_HOME before it pays for pydantic.
"""

from __future__ import annotations

from core._lazy import lazy_getattr
from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from core.config.home import (
        LHA_HOME_ENV,
        default_lha_home,
        lha_home_dir,
    )
    from core.config.model import Config, FeaturesConfig, McpServerConfig, TuiConfig

_EXPORTS: dict[str, str] = {
    "LHA_HOME_ENV": "core.config.home",
    "default_lha_home": "core.config.home",
    "lha_home_dir": "core.config.home",
    "Config": "core.config.model",
    "FeaturesConfig": "core.config.model",
    "McpServerConfig": "core.config.model",
    "TuiConfig": "core.config.model",
}

__all__ = [
    "LHA_HOME_ENV",
    "Config",
    "FeaturesConfig",
    "McpServerConfig",
    "TuiConfig",
    "default_lha_home",
    "lha_home_dir",
    "save_config_value",
]


__getattr__ = lazy_getattr(__name__, _EXPORTS)


def save_config_value(lha_home: Path, key: str, value: Any) -> Path:
    """Set one key of config.toml keeping comments; see ``core.config.edit``."""
    from core.config.edit import save_config_value as _save

    return _save(lha_home, key, value)
