"""Load config.toml, ``-c`` overrides and CLI flags into one resolved ``Config``.

Every value remembers where it came from (``file:line``, ``-c key=value`` or ``--flag``) so an
error can say exactly what to fix, in one line, and an unknown key can be reported as a warning
without stopping the user.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from core.config.home import CONFIG_MAX_BYTES, lha_home_dir
from core.config.model import Config
from core.config.schema import ANY_ID, KNOWN_KEYS, ConfigFile, Schema
from core.errors import ConfigError
from core.fs import UnreadableFileError, read_regular_text
from core.llm.providers.resolve import ProviderTableError, default_provider, resolve_providers
from core.protocol.session import ApprovalPolicy
from core.text import one_line

CONFIG_FILE_NAME = "config.toml"
MAX_NESTING = 32

KeyPath = tuple[str, ...]
SECRET_BEARING_KEYS = frozenset({"http_headers", "env"})
"""Tables whose values may be secrets (an Authorization header, a token): errors never echo them."""
T = TypeVar("T")


def load_config(
    *,
    lha_home: Path | None,
    cwd: Path | None,
    overrides: list[str] | Mapping[str, Any] | None,
    flags: Mapping[str, Any],
) -> Config:
    """See ``Config.load``."""
    home = lha_home_dir(lha_home, create=False)
    path = home / CONFIG_FILE_NAME
    layers = _Layers()
    layers.add_file(path)
    for key_path, value, origin in _parse_overrides(overrides):
        layers.set(key_path, value, origin)
    for name, value in flags.items():
        layers.set((name,), value, f"--{name.replace('_', '-')}")

    # Returned, not logged: every front end shows ``config.warnings`` (logging them too
    # printed each one twice).
    warnings = layers.drop_unknown_keys()
    try:
        parsed = ConfigFile.model_validate(layers.data)
    except ValidationError as err:
        raise layers.error_from(err) from None

    try:
        providers = resolve_providers(parsed.model_providers)
    except ProviderTableError as err:
        raise layers.error_from(err.error, prefix=("model_providers", err.provider_id)) from None
    provider_id = parsed.model_provider
    if not provider_id:
        provider_id, providers, notice = default_provider(providers, home, path)
        warnings.extend([notice] if notice else [])
    if provider_id not in providers:
        known = ", ".join(sorted(providers))
        where = layers.where(("model_provider",))
        raise ConfigError(
            f"{where}: unknown model_provider `{provider_id}`; known ids: {known} "
            f"(or define it with a [model_providers.{provider_id}] table and a base_url)"
        )
    resolved_cwd = (cwd if cwd is not None else Path.cwd()).expanduser().resolve()
    return Config(
        lha_home=home,
        cwd=resolved_cwd,
        model=parsed.model,
        model_provider_id=provider_id,
        model_provider=providers[provider_id],
        model_providers=providers,
        approval_policy=_approval_policy(parsed.approval_policy, layers, warnings),
        sandbox_mode=parsed.sandbox_mode or "workspace-write",
        sandbox_workspace_write=parsed.sandbox_workspace_write,
        model_reasoning_effort=parsed.model_reasoning_effort,
        model_auto_compact_token_limit=parsed.model_auto_compact_token_limit,
        mcp_servers=parsed.mcp_servers,
        features=parsed.features,
        tui=parsed.tui,
        base_instructions=parsed.base_instructions,
        ephemeral=bool(parsed.ephemeral),
        skip_unreadable_lines=bool(parsed.skip_unreadable_lines),
        codex_sessions=parsed.codex_sessions is not False,
        model_context_window=parsed.model_context_window,
        warnings=warnings,
    )


def _approval_policy(
    value: ApprovalPolicy | Literal["on-failure"] | None, layers: _Layers, warnings: list[str]
) -> ApprovalPolicy:
    """The policy, with the Codex CLI's ``on-failure`` mapped onto the nearest, ``on-request``
    (commands run in the sandbox; the model asks when it needs to go beyond it)."""
    if value == "on-failure":
        warnings.append(
            f"{layers.where(('approval_policy',))}: approval_policy `on-failure` is used as "
            "`on-request` (commands run in the sandbox; you are asked to go beyond it)"
        )
        return "on-request"
    return value or "on-request"


def _parse_overrides(
    overrides: list[str] | Mapping[str, Any] | None,
) -> Iterable[tuple[KeyPath, Any, str]]:
    if overrides is None:
        return
    if isinstance(overrides, Mapping):
        for key, value in overrides.items():
            yield _parse_key(key, f"-c {key}"), value, f"-c {key}"
        return
    for item in overrides:
        origin = f"-c {item}"
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f'{origin}: expected key=value, for example -c model="gpt-5.1"')
        yield _parse_key(key, origin), _parse_value(raw), origin


def _parse_key(key: str, origin: str) -> KeyPath:
    """A dotted key, TOML-style (``model_providers."my.server".base_url`` works)."""
    try:
        parsed: Any = tomllib.loads(f"{key.strip()} = 0")
    except tomllib.TOMLDecodeError:
        raise ConfigError(
            f"{origin}: `{key.strip()}` is not a valid key; use letters, digits, _ and - "
            "separated by dots"
        ) from None
    path: list[str] = []
    while isinstance(parsed, dict):
        (name, parsed), *_ = parsed.items()
        path.append(name)
    return tuple(path)


def _parse_value(raw: str) -> Any:
    """The value as TOML (``5``, ``true``, ``["a"]``, ``"x"``), else the plain string."""
    try:
        return tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return raw.strip()


class _Layers:
    """The merged raw settings and where each value came from."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.origins: dict[KeyPath, str] = {}
        self.file_path: Path | None = None

    def add_file(self, path: Path) -> None:
        text = read_config_text(path)
        if text is None:
            return
        self.data = parse_config_toml(path, text)
        self.file_path = path
        lines = _key_lines(text)
        for key_path in _all_paths(self.data):
            line = _longest_prefix(lines, key_path)
            self.origins[key_path] = f"{path}:{line}" if line is not None else str(path)

    def set(self, key_path: KeyPath, value: Any, origin: str) -> None:
        table = self.data
        for depth, name in enumerate(key_path[:-1], start=1):
            child = table.get(name)
            if not isinstance(child, dict):
                child = {}
                table[name] = child
                self.origins[key_path[:depth]] = origin
            table = child
        table[key_path[-1]] = value
        n = len(key_path)
        for known in [p for p in self.origins if p[:n] == key_path]:
            del self.origins[known]
        self.origins[key_path] = origin

    def where(self, key_path: KeyPath) -> str:
        origin = _longest_prefix(self.origins, key_path)
        if origin is not None:
            return origin
        return str(self.file_path) if self.file_path else "config"

    def drop_unknown_keys(self) -> list[str]:
        warnings: list[str] = []
        self._drop_unknown(self.data, KNOWN_KEYS, (), warnings)
        return warnings

    def _drop_unknown(
        self, table: dict[str, Any], schema: Schema, prefix: KeyPath, warnings: list[str]
    ) -> None:
        for key in list(table):
            key_path = (*prefix, key)
            if key in schema:
                sub = schema[key]
            elif ANY_ID in schema:
                sub = schema[ANY_ID]
            else:
                import difflib  # only for a key nobody knows

                hint = difflib.get_close_matches(key, [k for k in schema if k != ANY_ID], n=1)
                did_you_mean = f" (did you mean `{hint[0]}`?)" if hint else ""
                warnings.append(
                    f"{self.where(key_path)}: unknown key `{'.'.join(key_path)}` ignored"
                    f"{did_you_mean}"
                )
                del table[key]
                continue
            value = table[key]
            if sub is not None and isinstance(value, dict):
                self._drop_unknown(value, sub, key_path, warnings)

    def error_from(self, err: ValidationError, prefix: KeyPath = ()) -> ConfigError:
        """The first validation problem as a one-line ConfigError naming origin and key."""
        first = err.errors()[0]
        key_path = (*prefix, *(str(part) for part in first["loc"]))
        key = ".".join(key_path)
        where = self.where(key_path)
        from_flag = where.startswith("-")
        if first["type"] == "missing":
            table = ".".join(key_path[:-1])
            add = f"add -c {key}=..." if from_flag else f"add {key_path[-1]} = ... under [{table}]"
            return ConfigError(f"{where}: `{key}` is required; {add}")
        fix = "fix the -c override" if from_flag else "fix it in config.toml"
        message = one_line(str(first["msg"]).removeprefix("Value error, "))
        got = one_line(repr(first.get("input")), 60)
        shown = "" if SECRET_BEARING_KEYS.intersection(key_path) else f", got {got}"
        return ConfigError(f"{where}: `{key}`: {message[:1].lower()}{message[1:]}{shown}; {fix}")


def read_config_text(path: Path) -> str | None:
    """config.toml's text, or None when there is none; ``ConfigError`` when it is unusable."""
    try:
        return read_regular_text(path, max_bytes=CONFIG_MAX_BYTES)
    except FileNotFoundError:
        return None
    except UnreadableFileError as err:
        raise ConfigError(
            f"{err}; config.toml must be a readable text file: fix or remove it"
        ) from None


def parse_config_toml(path: Path, text: str) -> dict[str, Any]:
    """The TOML document, or one ``ConfigError`` (bad syntax, or nesting too deep to be a
    config: Python's parser recurses per level, and a thousand levels would overflow it)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(_syntax_error_message(path, text, err)) from None
    except RecursionError:
        data = None
    if data is None or _depth(data) > MAX_NESTING:
        raise ConfigError(
            f"{path}: tables or lists nested more than {MAX_NESTING} deep; "
            "config.toml needs only a few levels, fix the file"
        )
    return data


def _depth(value: Any) -> int:
    """How deeply tables and lists nest in ``value`` (iterative: no recursion to overflow)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_NESTING:
            break
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            stack.extend((child, level + 1) for child in children)
    return deepest


def _syntax_error_message(path: Path, text: str, err: tomllib.TOMLDecodeError) -> str:
    """``<file>:<line>: invalid TOML near `key`: <reason>; <how to fix>``."""
    match = re.search(r"\(at line (\d+), column \d+\)", str(err))
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err)) or "syntax error"
    reason = reason[:1].lower() + reason[1:]
    if match is None:
        return f"{path}: invalid TOML: {reason}; fix the file's syntax"
    line_no = int(match.group(1))
    lines = text.splitlines()
    line = lines[line_no - 1].strip() if 0 < line_no <= len(lines) else ""
    key = line.partition("=")[0].strip() if "=" in line else line
    near = f" in `{key[:40]}`" if key else ""
    return (
        f"{path}:{line_no}: invalid TOML{near}: {reason}; "
        'fix that line (strings need quotes: key = "value")'
    )


_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.\"' ")


def _split_key(raw: str) -> KeyPath:
    return tuple(part.strip().strip("\"'") for part in raw.split("."))


def _header_name(stripped: str) -> str | None:
    """``a.b`` for a ``[a.b]`` or ``[[a.b]]`` line (already stripped), else None."""
    if not stripped.startswith("["):
        return None
    name, closed, rest = stripped[1:].removeprefix("[").partition("]")
    rest = rest.removeprefix("]").strip()
    ends_well = not rest or rest.startswith("#")
    return name.strip() if closed and name.strip() and ends_well else None


def _assigned_key(line: str) -> str | None:
    """``key`` for a ``key = ...`` line whose key uses only bare or quoted key characters."""
    key, equals, _value = line.partition("=")
    key = key.strip()
    return key if equals and key and _KEY_CHARS.issuperset(key) else None


def _key_lines(text: str) -> dict[KeyPath, int]:
    """Best-effort map of every table header and ``key =`` line to its 1-based line number.

    Plain string operations, linear in the line's length: a backtracking pattern here cost
    seconds on a line of a few thousand spaces, on every command.
    """
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _header_name(line.strip())
        if header is not None:
            table = _split_key(header)
            lines.setdefault(table, number)
            continue
        key = _assigned_key(line)
        if key is not None:
            lines.setdefault((*table, *_split_key(key)), number)
    return lines


def _all_paths(data: Mapping[str, Any], prefix: KeyPath = ()) -> Iterable[KeyPath]:
    for key, value in data.items():
        key_path = (*prefix, key)
        yield key_path
        if isinstance(value, dict):
            yield from _all_paths(value, key_path)


def _longest_prefix(table: Mapping[KeyPath, T], key_path: KeyPath) -> T | None:
    for n in range(len(key_path), 0, -1):
        found = table.get(key_path[:n])
        if found is not None:
            return found
    return None
