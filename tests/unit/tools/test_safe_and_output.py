"""The known-safe command list and the bounded head+tail output buffer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.tools.mcp_names import qualified_tool_name
from core.tools.output_buffer import HeadTailBuffer
from core.tools.safe_commands import GIT_HARDENING, is_known_safe, known_safe_argv
from core.tools.shell_env import command_env

_PROGRAMS = ("ls", "cat", "rg", "grep", "find", "git", "bash", "head", "sed", "touch", "rm")


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, str]:
    """A workspace, and a PATH folder outside it holding every program the tests name."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in _PROGRAMS:
        program = bin_dir / name
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    return workspace, str(bin_dir)


def _safe(argv: list[str], places: tuple[Path, str]) -> bool:
    workspace, path = places
    return is_known_safe(argv, cwd=workspace, roots=[workspace], path=path)


@pytest.mark.parametrize(
    "argv",
    [
        ["ls", "-la"],
        ["cat", "README.md"],
        ["rg", "-n", "TODO"],
        ["grep", "-r", "x", "."],
        ["find", ".", "-name", "*.py"],
        ["git", "status"],
        ["git", "log", "-n", "3"],
        ["bash", "-lc", "ls && git diff | head -n 20"],
        ["sed", "-n", "1,20p", "a.py"],
    ],
)
def test_known_safe(argv: list[str], places: tuple[Path, str]) -> None:
    assert _safe(argv, places)


@pytest.mark.parametrize(
    "argv",
    [
        ["touch", "x"],
        ["rm", "-rf", "/"],
        ["find", ".", "-delete"],
        ["find", ".", "-exec", "rm", "{}", ";"],
        ["rg", "--pre", "sh", "x"],
        ["git", "push"],
        ["git", "-c", "core.pager=sh", "log"],
        ["git", "diff", "--output=/tmp/x"],
        ["bash", "-lc", "echo hi > f"],
        ["bash", "-lc", "ls; rm x"],
        ["bash", "-lc", "cat $(echo x)"],
        ["bash", "-lc", "ls & rm x"],
        ["sed", "-i", "s/a/b/", "f"],
        [],
    ],
)
def test_not_known_safe(argv: list[str], places: tuple[Path, str]) -> None:
    assert not _safe(argv, places)


@pytest.mark.parametrize(
    "argv",
    [
        ["./ls"],
        ["/bin/ls"],
        ["sub/cat", "x"],
        ["bash", "-lc", "./ls && ls"],
        ["/bin/bash", "-c", "ls"],
    ],
)
def test_a_program_given_by_path_is_not_known_safe(
    argv: list[str], places: tuple[Path, str]
) -> None:
    assert not _safe(argv, places)


def test_a_program_found_on_path_inside_the_workspace_is_not_known_safe(
    places: tuple[Path, str],
) -> None:
    workspace, path = places
    own_bin = workspace / "bin"
    own_bin.mkdir()
    fake = own_bin / "ls"
    fake.write_text("#!/bin/sh\ntouch pwned\n")
    fake.chmod(0o755)
    search = f"{own_bin}{os.pathsep}{path}"
    assert not is_known_safe(["ls"], cwd=workspace, roots=[workspace], path=search)
    assert not is_known_safe(["bash", "-lc", "ls"], cwd=workspace, roots=[workspace], path=search)
    linked = workspace / "linked-bin"
    linked.symlink_to(own_bin)
    assert not is_known_safe(["ls"], cwd=workspace, roots=[workspace], path=str(linked))
    assert is_known_safe(["ls"], cwd=workspace, roots=[workspace], path=path)


def test_known_safe_git_runs_with_the_repository_programs_switched_off(
    places: tuple[Path, str],
) -> None:
    workspace, path = places
    status = known_safe_argv(["git", "status"], cwd=workspace, roots=[workspace], path=path)
    assert status == ["git", *GIT_HARDENING, "status"]
    assert "core.fsmonitor=false" in GIT_HARDENING and "core.hooksPath=/dev/null" in GIT_HARDENING
    diff = known_safe_argv(["git", "diff", "a"], cwd=workspace, roots=[workspace], path=path)
    assert diff == ["git", *GIT_HARDENING, "diff", "--no-ext-diff", "--no-textconv", "a"]
    script = known_safe_argv(
        ["bash", "-lc", "git status && ls"], cwd=workspace, roots=[workspace], path=path
    )
    assert script is not None and script[2].endswith("\ngit status && ls")
    assert script[2].startswith("git() {") and "command git -c core.fsmonitor=false" in script[2]
    assert not _safe(["git", "log", "--show-signature"], places)


def test_head_tail_buffer_keeps_both_ends_and_bounded_memory() -> None:
    buf = HeadTailBuffer(head=10, tail=10)
    buf.append(b"0123456789ABC")
    for _ in range(10_000):
        buf.append(b"-" * 1000)
    buf.append(b"the end!!!")
    text = buf.text()
    assert text.startswith("0123456789") and text.endswith("the end!!!")
    assert "[... 10,000,003 bytes of output omitted ...]" in text
    assert buf.total == 10_000_023 and buf.omitted == 10_000_003
    assert len(text) < 100


def test_small_output_is_kept_whole() -> None:
    buf = HeadTailBuffer(head=10, tail=10)
    buf.append(b"short")
    buf.append(b" and more")
    assert buf.text() == "short and more" and buf.omitted == 0


def test_secrets_do_not_reach_commands() -> None:
    env = command_env({"PATH": "/bin", "OPENAI_API_KEY": "sk", "GH_TOKEN": "t", "HOME": "/h"})
    assert env["PATH"] == "/bin" and env["HOME"] == "/h" and env["PAGER"] == "cat"
    assert "OPENAI_API_KEY" not in env and "GH_TOKEN" not in env


def test_held_keys_are_removed_by_name_and_by_value() -> None:
    base = {
        "LLM_AUTH": "abcdefgh-12345",
        "COPY": "abcdefgh-12345",
        "HEADER": "Bearer abcdefgh-12345",
        "SAVED": "saved-key-value",
        "SHORT": "ab",
        "LABEL": "xaby",
        "HOME": "/h",
    }
    held = {"abcdefgh-12345", "saved-key-value", "ab"}
    env = command_env(base, secret_names={"LLM_AUTH"}, secrets=held)
    overrides = {"PAGER", "GIT_PAGER", "GIT_TERMINAL_PROMPT", "TERM"}
    assert set(env) - overrides == {"HOME", "LABEL"}, "a short key only counts when equal"


def test_mcp_tool_names_fit_function_name_rules() -> None:
    assert qualified_tool_name("docs", "search") == "mcp__docs__search"
    assert qualified_tool_name("my.server", "do it") == "mcp__my_server__do_it"
    long = qualified_tool_name("s" * 40, "t" * 40)
    assert len(long) == 64 and long != qualified_tool_name("s" * 40, "t" * 39 + "u")
