"""Commands known to only read: under ``untrusted`` they run without asking the user.

The list is short on purpose. A command qualifies only if no argument can make it write a file or
run another program (``find -exec``, ``rg --pre``, ``git diff --output``, ``sort -o`` ...). A
``bash -lc`` / ``sh -c`` script qualifies when it is a plain pipeline or ``&&``/``||``/``;`` chain
of such commands, with no redirection, substitution, variables or background jobs.

The name is not enough: ``./ls`` may be anything the model wrote. Every program (the shell of a
script too) must be given by bare name and found on PATH outside the workspace and its writable
roots. git reads settings from the repository that run programs (``core.fsmonitor`` at
``git status``, hooks, external diff and textconv drivers, ``gpg.program``, the pager), so a
known-safe git command is run with all of those switched off (``GIT_HARDENING``, and a shell
function doing the same in a script), and is not known-safe at all in a repository whose own
config defines a filter driver (a clean filter runs at ``git status``).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

_ALWAYS_SAFE = frozenset(
    {"ls", "cat", "head", "tail", "wc", "pwd", "echo", "true", "nl", "stat", "which", "whoami"}
)
_FIND_UNSAFE = frozenset(
    {"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"}
)
_RG_UNSAFE = ("--pre", "--hostname-bin", "--search-zip", "-z")
_GIT_SAFE = frozenset({"status", "diff", "log", "show"})
_GIT_UNSAFE_OPTIONS = ("--output", "--ext-diff", "--textconv", "--exec", "--show-signature")
_SHELLS = frozenset({"bash", "sh", "zsh"})
_SCRIPT_OPERATORS = frozenset({"&&", "||", ";", "|"})
_FORBIDDEN_SCRIPT_CHARS = re.compile(r"[<>`$&(){}\n\\]")


GIT_HARDENING = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "log.showSignature=false",
    "-c", "gpg.program=false",
    "-c", "gpg.ssh.program=false",
    "-c", "gpg.x509.program=false",
    "--no-pager",
)  # fmt: skip
_GIT_DIFF_HARDENING = ("--no-ext-diff", "--no-textconv")
"""For the subcommands that can show a diff (not ``status``, which refuses these options)."""
_GIT_DIFFERS = frozenset({"diff", "log", "show"})
_LOCAL_SCOPES = frozenset({"local", "worktree"})


def known_safe_argv(
    argv: Sequence[str], *, cwd: Path, roots: Sequence[Path], path: str | None = None
) -> list[str] | None:
    """The command to run for ``argv`` without asking (git hardened), or None when ``argv``
    is not known-safe. ``roots`` are the workspace and its writable roots; ``path`` is the
    PATH commands get (default: lha's)."""
    if not argv:
        return None
    search = os.environ.get("PATH", os.defpath) if path is None else path
    script = shell_script(argv)
    if script is not None:
        commands = _script_commands(script)
        if commands is None or not _trusted_program(argv[0], roots, search):
            return None
        if not all(_is_safe_command(c, cwd, roots, search) for c in commands):
            return None
        if any(c[0] == "git" for c in commands):
            return [argv[0], argv[1], _git_function() + script]
        return list(argv)
    command = list(argv)
    if not _is_safe_command(command, cwd, roots, search):
        return None
    return _hardened_git(command) if command[0] == "git" else command


def is_known_safe(
    argv: Sequence[str], *, cwd: Path, roots: Sequence[Path], path: str | None = None
) -> bool:
    """True when ``argv`` (a direct command or a shell ``-c`` script) only reads."""
    return known_safe_argv(argv, cwd=cwd, roots=roots, path=path) is not None


def shell_script(argv: Sequence[str]) -> str | None:
    """The script of ``bash -lc SCRIPT`` / ``sh -c SCRIPT``, else None."""
    if len(argv) == 3 and _basename(argv[0]) in _SHELLS and argv[1] in ("-c", "-lc"):
        return argv[2]
    return None


def _basename(program: str) -> str:
    return program.rsplit("/", 1)[-1]


def _trusted_program(name: str, roots: Sequence[Path], search: str) -> bool:
    """``name`` is bare and PATH finds it outside ``roots`` (not something the model wrote)."""
    if "/" in name:
        return False
    found = shutil.which(name, path=search)
    if found is None or not os.path.isabs(found):
        return False
    real = Path(os.path.realpath(found))
    return not any(real == root or root in real.parents for root in _real(roots))


def _real(roots: Sequence[Path]) -> list[Path]:
    return [Path(os.path.realpath(root)) for root in roots]


def _hardened_git(argv: list[str]) -> list[str]:
    subcommand, rest = argv[1], argv[2:]
    extra = _GIT_DIFF_HARDENING if subcommand in _GIT_DIFFERS else ()
    return [argv[0], *GIT_HARDENING, subcommand, *extra, *rest]


def _git_function() -> str:
    """A shell function that makes every ``git`` of a script the hardened one."""
    options = shlex.join(GIT_HARDENING)
    differs = "|".join(sorted(_GIT_DIFFERS))
    diff_options = shlex.join(_GIT_DIFF_HARDENING)
    return (
        f'git() {{ case "$1" in {differs}) s="$1"; shift; '
        f'command git {options} "$s" {diff_options} "$@";; '
        f'*) command git {options} "$@";; esac; }}\n'
    )


def _repo_defines_filters(cwd: Path, search: str) -> bool:
    """Whether the repository's own config (not the user's) names a filter driver; True when
    that cannot be told, so that such a repository is never taken as safe."""
    git = shutil.which("git", path=search)
    if git is None:
        return True
    try:
        result = subprocess.run(
            [git, "config", "--show-scope", "--includes", "--get-regexp", r"^filter\."],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return True
    if result.returncode != 0:
        return result.returncode != 1
    return any(line.split(maxsplit=1)[0] in _LOCAL_SCOPES for line in result.stdout.splitlines())


def _script_commands(script: str) -> list[list[str]] | None:
    """Split on ``&& || ; |``; None when the script uses anything fancier."""
    stripped = script.replace("&&", " ").replace("||", " ")
    if _FORBIDDEN_SCRIPT_CHARS.search(stripped):
        return None
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars="&|;")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return None
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in _SCRIPT_OPERATORS:
            commands.append([])
        elif set(token) <= set("&|;"):
            return None
        else:
            commands[-1].append(token)
    return commands if all(commands) else None


def _is_safe_command(argv: list[str], cwd: Path, roots: Sequence[Path], search: str) -> bool:
    if not _trusted_program(argv[0], roots, search):
        return False
    program, args = argv[0], argv[1:]
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
        if any(arg.startswith(_GIT_UNSAFE_OPTIONS) for arg in args[1:]):
            return False
        return not _repo_defines_filters(cwd, search)
    if program == "sed":
        return _is_sed_print(args)
    return False


_SED_PRINT = re.compile(r"^\d+(,\d+)?p$")


def _is_sed_print(args: list[str]) -> bool:
    """``sed -n 'N,Mp' FILE...``: printing lines, the only sed form models use to read."""
    return len(args) >= 2 and args[0] == "-n" and bool(_SED_PRINT.match(args[1]))
