"""Fuzzing ``lha``'s arguments, in-process: any argv ends with exit code 0, 1 or 2 and never
a traceback. Arguments that would open the terminal UI are left out (it would wait for keys)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.integration.test_cli_exec import write_config
from tests.support.scripted_server import ScriptedServer, serve_in_thread
from tui.cli import build_parser, main, parse_args

WORDS = [
    "exec", "resume", "fork", "threads", "models", "mcp", "list", "logout", "--last", "--json",
    "--at", "-1", "0", "7", "-C", "/nonexistent", "/", "-c", "model=1", "-c", "x", "-m", "",
    "-s", "read-only", "-a", "never", "--refresh", "offline", "-n", "0", "--dynamic-tools",
    "01a241c1-d900-7059-a722-6b945bd7c7db", "a" * 300, "\x1b[2J", "--version", "-", "--",
]  # fmt: skip
argvs = st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=7)


def _opens_the_ui(argv: list[str]) -> bool:
    try:
        args = parse_args(build_parser(), argv)
    except SystemExit:
        return False
    if args.command is None:
        return True
    if args.command == "resume" and args.target is None and not args.last:
        return True
    return args.command in ("resume", "fork") and _names_a_session(args)


def _names_a_session(args: argparse.Namespace) -> bool:
    """Only the ids in WORDS name no session in the empty LHA_HOME; anything else might be a
    path to a real file."""
    target = getattr(args, "target", None)
    return target is not None and (Path(target).exists() if len(target) < 200 else False)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScriptedServer]:
    with serve_in_thread() as running:
        yield running


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(argv=argvs)
def test_any_argv_exits_0_1_or_2_without_a_traceback(
    argv: list[str],
    server: ScriptedServer,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assume(not _opens_the_ui(argv))
    assume("login" not in argv)  # reads the key from stdin
    home = tmp_path_factory.mktemp("cli") / "home"
    write_config(home, server)
    monkeypatch.setenv("LHA_HOME", str(home))
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse: --help, --version, usage errors
        code = exit_.code if isinstance(exit_.code, int) else 2
    captured = capsys.readouterr()
    assert code in (0, 1, 2), (code, captured.err[-500:])
    assert "Traceback" not in captured.err
