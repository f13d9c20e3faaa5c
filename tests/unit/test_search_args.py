"""``lha search``'s hand-read arguments mean what argparse would make of them, and everything
else still reaches argparse (its help, its errors), so the shortcut changes no behaviour."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser, parse_args
from tui.commands.search_cmd import SearchArgs, _parse_usual_forms, parse_search_args

USUAL_FORMS = [
    ["heron"],
    ["heron", "pipeline"],
    ["heron", "--all"],
    ["--all", "heron", "pipeline"],
    ["--json", "--archived", "heron", "--all"],
    ["heron", "-n", "5"],
    ["heron", "-n5"],
    ["heron", "--limit", "7", "--json"],
    ["heron", "--limit=0"],
    ["-n", "3", "-n", "4", "heron"],
    ['"a phrase"', "prefix*", "AND"],
    ["--all", "--all", "heron"],
]
ARGPARSE_ONLY = [
    ["--help"],
    ["-h"],
    [],
    ["--all"],
    ["heron", "--al"],  # an abbreviation argparse accepts
    ["heron", "--bogus"],
    ["heron", "--all", "pipeline"],  # words after an option: argparse says what is wrong
    ["heron", "-n"],
    ["heron", "-n", "x"],
    ["heron", "-n", "-3"],
    ["heron", "-n=3"],
    ["heron", "-n", "²"],
    ["--", "-heron"],
    ["-", "heron"],
]


def _full_parser(argv: list[str]) -> SearchArgs:
    return SearchArgs.from_namespace(parse_args(build_parser(), ["search", *argv]))


@pytest.mark.parametrize("argv", USUAL_FORMS, ids=" ".join)
def test_the_usual_forms_read_as_argparse_reads_them(argv: list[str]) -> None:
    quick = _parse_usual_forms(argv)
    assert quick is not None, "read by hand, without argparse"
    assert quick == _full_parser(argv)


@pytest.mark.parametrize("argv", ARGPARSE_ONLY, ids=lambda argv: " ".join(argv) or "nothing")
def test_anything_else_goes_to_argparse(argv: list[str]) -> None:
    assert _parse_usual_forms(argv) is None
    try:
        expected: SearchArgs | int = _full_parser(argv)
    except SystemExit as exit_:
        expected = int(exit_.code or 0)
    try:
        got: SearchArgs | int = parse_search_args(argv)
    except SystemExit as exit_:
        got = int(exit_.code or 0)
    assert got == expected


HEAVY = (
    "argparse", "asyncio", "threading", "pydantic", "unicodedata", "shutil", "pathlib", "typing",
    "contextlib", "importlib",
)  # fmt: skip


@pytest.mark.parametrize("where", ["--all", "this folder"])
def test_a_search_loads_neither_argparse_nor_asyncio_nor_pathlib_nor_typing(
    tmp_path: Path, where: str
) -> None:
    """What a search imports is most of its time (issue 11: <= 0.25x ripgrep). The first
    search builds the index (that may load more); the next ones are measured."""
    argv = ["search", "heron", *(["--all"] if where == "--all" else [])]
    code = (
        f"import sys; from tui.cli import main; main({argv!r});"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {**os.environ, "LHA_HOME": str(tmp_path), "CODEX_HOME": str(tmp_path)}
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
        )
    assert result.stdout == "\n", result.stderr
