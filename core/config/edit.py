"""Change one value in config.toml without losing the user's comments and layout.

The TUI's model picker calls ``save_config_value(home, "model", "gpt-5.1")`` so the choice survives
a restart. tomlkit round-trips the file exactly, except for the one value; it is imported here
only, when a value is saved, because it is not needed to start lha.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.config.home import CONFIG_MAX_BYTES
from core.config.loader import CONFIG_FILE_NAME, _parse_key
from core.errors import ConfigError
from core.fs import UnreadableFileError, read_regular_text, write_private_file


def save_config_value(lha_home: Path, key: str, value: Any) -> Path:
    """Set ``key`` (dotted, e.g. ``model_providers.x.base_url``) to ``value``; ``None`` removes it.

    Creates LHA_HOME (0700) and config.toml (0600) when missing; returns the file's path. Raises
    ``ConfigError`` when the existing file is not valid TOML (it is then left untouched).
    """
    import tomlkit
    from tomlkit.exceptions import ParseError

    path = lha_home / CONFIG_FILE_NAME
    key_path = _parse_key(key, key)
    try:
        text = read_regular_text(path, max_bytes=CONFIG_MAX_BYTES)
    except FileNotFoundError:
        text = ""
    except UnreadableFileError as err:
        raise ConfigError(f"{err}; cannot save `{key}` there: fix or remove the file") from None
    try:
        document = tomlkit.parse(text)
    except ParseError as err:
        raise ConfigError(
            f"{path}:{err.line}: invalid TOML; fix that line before saving `{key}`"
        ) from None

    table: Any = document
    for name in key_path[:-1]:
        if name not in table:
            if value is None:
                return path
            table[name] = tomlkit.table()
        table = table[name]
        if not hasattr(table, "__setitem__"):
            raise ConfigError(f"{path}: `{name}` is not a table; cannot set `{key}`")
    leaf = key_path[-1]
    if value is None:
        if leaf in table:
            del table[leaf]
    else:
        table[leaf] = value
    write_private_file(path, tomlkit.dumps(document))
    return path
