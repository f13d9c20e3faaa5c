"""Run options (model, ``-c``, sandbox, approvals) work before the command, after it, or both."""

from __future__ import annotations

import argparse

import pytest

from tui.cli import build_parser, parse_args
from tui.commands.exec_cmd import parse_exec_args


def _parse(*argv: str) -> argparse.Namespace:
    return parse_args(build_parser(), list(argv))


def test_options_before_the_command_are_kept() -> None:
    args = _parse("-m", "gpt-5-mini", "-c", "a=1", "resume", "--last")
    assert args.model == "gpt-5-mini" and args.overrides == ["a=1"]


def test_both_places_add_up_and_the_later_flag_wins() -> None:
    args = _parse("-m", "one", "-c", "a=1", "resume", "-m", "two", "-c", "b=2", "--last")
    assert args.model == "two"
    assert args.overrides == ["a=1", "b=2"]


def test_plain_lha_takes_them_too() -> None:
    args = _parse("-c", "tui.theme='nord'", "-s", "read-only", "-a", "never")
    assert args.command is None
    assert args.overrides == [
        "tui.theme='nord'",
        'sandbox_mode="read-only"',
        'approval_policy="never"',
    ]


def test_sandbox_and_approval_flags_beat_c_overrides() -> None:
    args = _parse("fork", "x", "--at", "0", "-s", "danger-full-access", "-c", "sandbox_mode='x'")
    assert args.overrides[-1] == 'sandbox_mode="danger-full-access"'


def test_exec_merges_all_three_places() -> None:
    args = _parse(
        "-c",
        "a=1",
        "exec",
        "-c",
        "b=2",
        "-s",
        "read-only",
        "fork",
        "T",
        "--at",
        "1",
        "-c",
        "c=3",
        "-a",
        "untrusted",
        "-m",
        "m2",
        "hello",
    )
    ns = parse_exec_args(args)
    assert (ns.mode, ns.target, ns.at, ns.prompt, ns.model) == ("fork", "T", 1, "hello", "m2")
    assert ns.overrides == [
        "a=1",
        "b=2",
        'sandbox_mode="read-only"',
        "c=3",
        'approval_policy="untrusted"',
    ]


def test_an_unknown_sandbox_mode_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _parse("-s", "yolo")
    assert exit_info.value.code == 2
    assert "invalid choice: 'yolo'" in capsys.readouterr().err


def test_an_exec_line_parses_the_same_with_the_exec_only_parser() -> None:
    """``lha exec ...`` builds a parser without the other commands' modules; what it reads
    must not differ from the whole parser's reading."""
    argv = ["exec", "-m", "m", "--json", "resume", "-c", "a=1", "--last", "go on"]
    whole = vars(parse_args(build_parser(), list(argv)))
    only = vars(parse_args(build_parser("exec"), list(argv)))
    assert only == whole
    assert vars(parse_exec_args(argparse.Namespace(**only))) == vars(
        parse_exec_args(argparse.Namespace(**whole))
    )


def test_the_exec_only_parser_imports_no_other_command() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from tui.cli import build_parser; build_parser('exec'); "
        "print(sorted(m for m in sys.modules if m.startswith('tui.commands.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['tui.commands.snapshot_cmd']"
