"""User configuration: LHA_HOME, config.toml, ``-c`` overrides and CLI flags.

``from core.config import Config`` is the entry point; ``Config.load`` does the reading. The
loader and the TOML editor are imported only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.config.home import (
    LHA_HOME_ENV,
    default_lha_home,
    ensure_private_dir,
    lha_home_dir,
    write_private_file,
)
from core.config.model import Config, FeaturesConfig, McpServerConfig, TuiConfig

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "LHA_HOME_ENV",
    "Config",
    "FeaturesConfig",
    "McpServerConfig",
    "TuiConfig",
    "default_lha_home",
    "ensure_private_dir",
    "lha_home_dir",
    "save_config_value",
    "write_private_file",
]


def save_config_value(lha_home: Path, key: str, value: Any) -> Path:
    """Set one key of config.toml keeping comments; see ``core.config.edit``."""
    from core.config.edit import save_config_value as _save

    return _save(lha_home, key, value)
