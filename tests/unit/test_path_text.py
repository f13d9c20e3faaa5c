"""Paths spelled without pathlib are spelled as pathlib spells them: the search index keys its
rows by these strings, and a process that used ``Path`` must find the same rows."""

from __future__ import annotations

import os
import random
from pathlib import Path, PurePosixPath

import pytest

from core.config.home import LHA_HOME_ENV, default_lha_home, lha_home_text
from core.path_text import path_text
from core.rollout.codex_home import CODEX_HOME_ENV, codex_index_root, codex_session_roots

PIECES = ["", "/", "//", "///", ".", "..", "a", "b c", "~", "é", "./", "x/."]


def test_path_text_is_what_pathlib_makes() -> None:
    rng = random.Random(7)
    samples = ["", "/", "//", "///", ".", "./", "//a//b/", "/a/./b/../c/", "a/b/"]
    samples += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8))) for _ in range(2000)]
    for sample in samples:
        assert path_text(sample) == str(PurePosixPath(sample)), repr(sample)


@pytest.mark.parametrize(
    "raw", ["", "   ", "~", "~/lha-x/", "rel/./a//b/", "/abs//x/../y/", "//net/x", " /padded/ "]
)
def test_lha_home_text_is_default_lha_home(
    raw: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(LHA_HOME_ENV, raw)
    monkeypatch.setenv("HOME", str(tmp_path) + "//home/")
    monkeypatch.chdir(tmp_path)
    stripped = raw.strip()
    expected = (Path(stripped).expanduser() if stripped else Path.home() / ".lha").absolute()
    assert lha_home_text() == str(expected)
    assert default_lha_home() == expected


@pytest.mark.parametrize("codex_home", ["{tmp}/codex", "{tmp}//codex/", "~/codex"])
def test_the_indexed_codex_folder_is_the_listed_one(
    codex_home: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(CODEX_HOME_ENV, codex_home.format(tmp=tmp_path))
    assert codex_index_root(tmp_path) is None and codex_session_roots() == ()
    os.makedirs(tmp_path / "codex" / "sessions")
    assert codex_index_root(tmp_path) == str(codex_session_roots()[0])
    (tmp_path / "config.toml").write_text("codex_sessions = false\n")
    assert codex_index_root(tmp_path) is None
