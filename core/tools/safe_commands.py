"""Commands known to only read: under ``untrusted`` they run without asking the user.

The list is short on purpose. A command qualifies only if no argument can make it write a file or
run another program (``find -exec``, ``rg --pre``, ``git diff --output``, ``sort -o`` ...). A
``bash -lc`` / ``sh -c`` script qualifies when it is a plain pipeline or ``&&``/``||``/``;`` chain
of such commands, with no redirection, substitution, variables or background jobs.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

_ALWAYS_SAFE = frozenset(
    {"ls", "cat", "head", "tail", "wc", "pwd", "echo", "true", "nl", "stat", "which", "whoami"}
)
_FIND_UNSAFE = frozenset(
    {"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"}
)
_RG_UNSAFE = ("--pre", "--hostname-bin", "--search-zip", "-z")
_GIT_SAFE = frozenset({"status", "diff", "log", "show"})
_GIT_UNSAFE_OPTIONS = ("--output", "--ext-diff", "--textconv", "--exec")
_SHELLS = frozenset({"bash", "sh", "zsh"})
_SCRIPT_OPERATORS = frozenset({"&&", "||", ";", "|"})
_FORBIDDEN_SCRIPT_CHARS = re.compile(r"[<>`$&(){}\n\\]")


def is_known_safe(argv: Sequence[str]) -> bool:
    """True when ``argv`` (a direct command or a shell ``-c`` script) only reads."""
    if not argv:
        return False
    script = shell_script(argv)
    if script is not None:
        return _is_safe_script(script)
    return _is_safe_command(list(argv))


def shell_script(argv: Sequence[str]) -> str | None:
    """The script of ``bash -lc SCRIPT`` / ``sh -c SCRIPT``, else None."""
    if len(argv) == 3 and _basename(argv[0]) in _SHELLS and argv[1] in ("-c", "-lc"):
        return argv[2]
    return None


def _basename(program: str) -> str:
    return program.rsplit("/", 1)[-1]


def _is_safe_script(script: str) -> bool:
    """Split on ``&& || ; |`` and check every part; anything fancier is not known-safe."""
    stripped = script.replace("&&", " ").replace("||", " ")
    if _FORBIDDEN_SCRIPT_CHARS.search(stripped):
        return False
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars="&|;")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return False
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in _SCRIPT_OPERATORS:
            commands.append([])
        elif set(token) <= set("&|;"):
            return False
        else:
            commands[-1].append(token)
    return all(command and _is_safe_command(command) for command in commands)


def _is_safe_command(argv: list[str]) -> bool:
    program, args = _basename(argv[0]), argv[1:]
    if program in _ALWAYS_SAFE:
        return True
    if program == "grep":
        return True
    if program == "find":
        return not any(arg in _FIND_UNSAFE for arg in args)
    if program == "rg":
        return not any(arg.startswith(_RG_UNSAFE) for arg in args)
    if program == "git":
        if not args or args[0] not in _GIT_SAFE:
            return False
        return not any(arg.startswith(_GIT_UNSAFE_OPTIONS) for arg in args[1:])
    if program == "sed":
        return _is_sed_print(args)
    return False


_SED_PRINT = re.compile(r"^\d+(,\d+)?p$")


def _is_sed_print(args: list[str]) -> bool:
    """``sed -n 'N,Mp' FILE...``: printing lines, the only sed form models use to read."""
    return len(args) >= 2 and args[0] == "-n" and bool(_SED_PRINT.match(args[1]))
