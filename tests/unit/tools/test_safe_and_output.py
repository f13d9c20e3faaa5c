"""The known-safe command list and the bounded head+tail output buffer."""

from __future__ import annotations

import pytest

from core.tools.mcp_names import qualified_tool_name
from core.tools.output_buffer import HeadTailBuffer
from core.tools.safe_commands import is_known_safe
from core.tools.shell_env import command_env


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
def test_known_safe(argv: list[str]) -> None:
    assert is_known_safe(argv)


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
def test_not_known_safe(argv: list[str]) -> None:
    assert not is_known_safe(argv)


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


def test_mcp_tool_names_fit_function_name_rules() -> None:
    assert qualified_tool_name("docs", "search") == "mcp__docs__search"
    assert qualified_tool_name("my.server", "do it") == "mcp__my_server__do_it"
    long = qualified_tool_name("s" * 40, "t" * 40)
    assert len(long) == 64 and long != qualified_tool_name("s" * 40, "t" * 39 + "u")
