"""config.toml written to hurt: huge lines, deep nesting, files that are not files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from core.config import Config
from core.errors import ConfigError


def write_config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line",
    [" " * 100_000, " " * 100_000 + "# note", "a" + " " * 100_000],
    ids=["spaces", "spaces-then-comment", "letter-then-spaces"],
)
def test_a_line_of_a_hundred_thousand_spaces_loads_in_linear_time(
    tmp_path: Path, line: str
) -> None:
    """The key-to-line map used a backtracking pattern: 3,000 spaces cost 9 s."""
    path = write_config(tmp_path, f'model = "m"\n{line}\n[features]\nmemories = true\n')
    started = time.perf_counter()
    try:
        config = Config.load(tmp_path, cwd=tmp_path)
        assert config.features.memories is True
    except ConfigError as err:  # "a    ..." is not valid TOML: still one quick line
        assert str(err).startswith(f"{path}:2: invalid TOML")
    assert time.perf_counter() - started < 1.0


def test_unknown_keys_still_name_their_line_after_the_rewrite(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        'args = [\n  ["a"],\n]\n[[x]]  # c\nz = 1\n[tui]\n"the key" = 2\n',
    )
    warnings = Config.load(tmp_path, cwd=tmp_path).warnings
    assert f"{path}:1: unknown key `args` ignored" in warnings
    assert f"{path}:4: unknown key `x` ignored" in warnings
    assert f"{path}:7: unknown key `tui.the key` ignored (did you mean `theme`?)" in warnings


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 1000 + "]" * 1000,
        "x = " + "{a = " * 600 + "1" + "}" * 600,
        "x = " + "[" * 40 + "]" * 40,
    ],
    ids=["lists-1000-deep", "tables-600-deep", "lists-40-deep"],
)
def test_deep_nesting_is_one_config_error(tmp_path: Path, text: str) -> None:
    path = write_config(tmp_path, text + "\n")
    with pytest.raises(ConfigError, match="nested more than 32 deep") as info:
        Config.load(tmp_path, cwd=tmp_path)
    assert str(info.value).startswith(str(path))


def test_a_folder_or_fifo_named_config_toml_is_one_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    with pytest.raises(ConfigError, match="is a folder, not a file"):
        Config.load(tmp_path, cwd=tmp_path)
    (tmp_path / "config.toml").rmdir()
    os.mkfifo(tmp_path / "config.toml")
    with pytest.raises(ConfigError, match="FIFO"):
        Config.load(tmp_path, cwd=tmp_path)


def test_a_config_that_is_not_utf8_is_one_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_bytes(b'model = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        Config.load(tmp_path, cwd=tmp_path)
