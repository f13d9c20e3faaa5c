"""The ``lha`` command line: the TUI by default, ``exec`` for scripts, and small helpers.

Start-up speed is a feature: nothing heavy is imported until a command needs it. Every
``LhaError`` ends as one line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys

from core.records import TYPE_CHECKING

if TYPE_CHECKING:  # argparse and the run options load with the full parser: `lha search` skips them
    import argparse
    from collections.abc import Sequence

    from tui.commands.search_cmd import SearchArgs

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _add_common(parser: argparse.ArgumentParser) -> None:
    from tui.cli_options import add_run_options

    add_run_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON event per line")
    parser.add_argument("-C", "--cd", dest="cwd", help="working directory of the thread")
    parser.add_argument("--name", help="name the session (resume, fork and search by name)")


def build_parser(first: str | None = None) -> argparse.ArgumentParser:
    """The whole command line's parser. With ``first == "exec"`` (the line starts with it, so
    no other command can be reached) the other commands are left out, and the modules that
    define some of them are not imported (~6 ms of ``lha exec``'s start: each subparser also
    asks gettext for its headings, a few file look-ups each)."""
    # The commands' modules are imported here, not at the top: plain `lha` paints its first
    # frame (tui.prepaint) before these and what they import (asyncio, ~50 ms) are loaded.
    import argparse
    from typing import cast

    from core import __version__
    from tui.cli_options import (
        GLOBAL_PREFIX,
        LhaArgumentParser,
        add_image_flag,
        add_run_options,
    )
    from tui.commands.snapshot_cmd import add_restore_files_flag, add_snapshot_commands

    others = first != "exec"

    parser = LhaArgumentParser(
        prog="lha",
        description="A terminal workbench for coding-agent conversations.",
    )
    parser.add_argument("--version", action="version", version=f"lha {__version__}")
    add_run_options(parser, prefix=GLOBAL_PREFIX)
    # Subcommands are LhaArgumentParsers too (argparse makes them of the parent's class); typed
    # as plain parsers so each command module can add its own without knowing the subclass.
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND"),
    )

    exec_p = sub.add_parser("exec", help="run one turn without the UI and print the result")
    _add_common(exec_p)
    exec_p.add_argument(
        "--dynamic-tools",
        metavar="FILE",
        help="JSON list of {name, description, input_schema} tools answered by JSON lines "
        'on stdin: {"call_id": ..., "output": ..., "success": ...}',
    )
    add_image_flag(exec_p)
    exec_p.add_argument(
        "args",
        nargs=argparse.REMAINDER,
        metavar="PROMPT",
        help="PROMPT | resume (--last | ID | PATH | NAME) PROMPT | fork (ID | PATH | NAME) "
        "[--at N] [--restore-files] PROMPT "
        "(PROMPT '-' reads it from stdin)",
    )
    if not others:
        return parser  # ``lha exec ...``: no other command can be reached

    resume_p = sub.add_parser(
        "resume", help="open the UI on a past session (with none named: pick one in the list)"
    )
    resume_p.add_argument("--last", action="store_true", help="the newest session")
    resume_p.add_argument("target", nargs="?", help="thread id, rollout path or session name")
    add_run_options(resume_p)

    fork_p = sub.add_parser("fork", help="open the UI on a fork of a past session")
    fork_p.add_argument("target", help="thread id, rollout path or session name")
    fork_p.add_argument(
        "--at",
        type=int,
        default=None,
        help="fork before user message N (0-based); without it, a copy of the whole thread",
    )
    add_restore_files_flag(fork_p)
    add_run_options(fork_p)
    add_snapshot_commands(sub)
    if others:
        from tui.commands.compact_cmd import add_compact_command
        from tui.commands.rename_cmd import add_rename_parser
        from tui.commands.search_cmd import add_search_parser

        add_compact_command(sub)
        add_search_parser(sub)
        add_rename_parser(sub)

    threads_p = sub.add_parser("threads", help="list past sessions, newest first")
    threads_p.add_argument("--json", action="store_true")
    threads_p.add_argument("-n", "--limit", type=int, default=50)
    threads_p.add_argument("--archived", action="store_true", help="list the archived sessions")
    threads_p.add_argument(
        "--cwd",
        nargs="?",
        const=".",
        metavar="DIR",
        help="only sessions started in DIR (default: this folder) or below",
    )
    if others:
        from tui.commands.export_cmd import add_export_command
        from tui.commands.tidy_cmd import add_tidy_commands

        add_export_command(sub)
        add_tidy_commands(sub)

    models_p = sub.add_parser("models", help="list the models of the configured provider")
    models_p.add_argument("--json", action="store_true")
    models_p.add_argument(
        "--refresh", choices=["online", "offline", "online_if_uncached"], default="online"
    )
    add_run_options(models_p)

    mcp_p = sub.add_parser("mcp", help="MCP servers from config.toml")
    mcp_sub = mcp_p.add_subparsers(dest="mcp_command", metavar="ACTION", required=True)
    mcp_list = mcp_sub.add_parser("list", help="start each server and show its status and tools")
    mcp_list.add_argument("--json", action="store_true")
    add_run_options(mcp_list)

    if others:
        from tui.commands.acp_cmd import add_acp_command

        add_acp_command(sub)

    login_p = sub.add_parser("login", help="save an API key (read from stdin) in auth.json")
    login_p.add_argument("--with-api-key", action="store_true", required=True)
    sub.add_parser("logout", help="remove the saved API key")
    return parser


def parse_args(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """The command line, with the run options given before the command merged in."""
    from tui.cli_options import GLOBAL_PREFIX, fold_flags_into_overrides, merge_run_options

    args = parser.parse_args(argv)
    merge_run_options(args, args, GLOBAL_PREFIX)
    fold_flags_into_overrides(args)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["search"]:  # a search is mostly start-up: its own parser, no asyncio
        from tui.startup_gc import pause_for_startup

        pause_for_startup()  # ~15 GC passes over what the imports make: ~1.5 ms of a search
        from tui.commands.search_cmd import parse_search_args

        return _one_shot(_run_search(parse_search_args(arguments[1:])), argv)
    from core import pydantic_no_plugins
    from tui.startup_gc import end_startup_pause, pause_for_startup

    pydantic_no_plugins.install()  # no scan of every installed package at the first model
    process = argv is None and _is_process_entry()
    if process:
        # Start-up allocates ~1M long-lived objects the cyclic GC would scan over and over
        # (~4 ms of passes over the parser's imports alone): paused until the thread runs
        # (exec) or the first screen is up (UI), and right after parsing for the other
        # commands. See startup_gc.
        pause_for_startup()
        if len(sys.argv) == 1:
            prepaint_for_plain_lha()
    parser = build_parser(arguments[0] if arguments else None)
    args = parse_args(parser, arguments)
    if args.command == "search":  # after global options: the full parser, still no asyncio
        from tui.commands.search_cmd import SearchArgs

        return _one_shot(_run_search(SearchArgs.from_namespace(args)), argv)
    if process and args.command not in ("exec", None, "resume", "fork"):
        end_startup_pause()
    import asyncio  # not at the top: `lha --version` and `--help` do not need it (~40 ms)

    try:
        code = asyncio.run(_dispatch(parser, args))
    except KeyboardInterrupt:
        return 130
    if argv is None and args.command == "exec" and _is_process_entry():
        _exit_without_teardown(code)
    return code


def prepaint_for_plain_lha() -> None:
    """Plain ``lha``: show the first frame before Textual loads (docs/architecture.md, Why the
    start-up tricks exist). A frame that cannot be painted is no reason not to start."""
    from pathlib import Path

    from core.config.home import default_lha_home
    from core.rollout.codex_home import codex_session_roots
    from tui.prepaint import prepaint_first_frame
    from tui.ui_settings import read_ui_settings

    try:
        settings = read_ui_settings(default_lha_home(), Path.cwd())
        prepaint_first_frame(settings, codex_session_roots(settings.codex_sessions))
    except (OSError, ValueError):
        pass


def _one_shot(code: int, argv: Sequence[str] | None) -> int:
    """A command that runs without asyncio is done: as ``lha`` itself, exit at once (see
    ``_exit_without_teardown``); called as a function (tests), return the code."""
    if argv is None and _is_process_entry():
        _exit_without_teardown(code)
    return code


def _run_search(args: SearchArgs) -> int:
    from core.errors import LhaError
    from tui.commands.search_cmd import run_search

    try:
        return run_search(args)
    except LhaError as err:
        print(f"lha: {err}", file=sys.stderr)
        return exit_code_for(err)
    except KeyboardInterrupt:
        return 130


def _is_process_entry() -> bool:
    """True when this process is ``lha`` itself (console script or ``python -m tui.cli``)."""
    main_module = sys.modules.get("__main__")
    spec = getattr(main_module, "__spec__", None)
    return (spec is not None and spec.name == "tui.cli") or os.path.basename(
        sys.argv[0]
    ).removesuffix(".exe") == "lha"


def _exit_without_teardown(code: int) -> None:
    """End a one-shot command now: ``atexit`` handlers run and the output is flushed, but the
    interpreter's teardown (collecting and freeing every object and module: ~20 ms after a
    1,000-turn resume) is skipped. Everything lha writes is already on disk by now: rollouts
    are written with ``os.write`` and flushed before ``shutdown_complete``."""
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 (``lha search`` exits here without loading contextlib)
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


async def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from core.errors import LhaError
    from tui.commands.output import error_line, install_warning_handler

    install_warning_handler()
    try:
        if args.command == "exec":
            from tui.commands.exec_cmd import run_exec

            return await run_exec(parser, args)
        if args.command == "rename":
            from tui.commands.rename_cmd import run_rename

            return await run_rename(args)
        if args.command == "threads":
            from tui.commands.threads_cmd import run_threads

            return await run_threads(args)
        if args.command == "models":
            from tui.commands.models_cmd import run_models

            return await run_models(args)
        if args.command in ("diff", "undo"):
            from tui.commands.snapshot_cmd import run_diff, run_undo

            return await (run_diff(args) if args.command == "diff" else run_undo(args))
        if args.command == "export":
            from tui.commands.export_cmd import run_export

            return await run_export(args)
        if args.command in ("archive", "unarchive", "delete"):
            from tui.commands.tidy_cmd import run_tidy

            return await run_tidy(args)
        if args.command == "compact":
            from tui.commands.compact_cmd import run_compact

            return await run_compact(args)
        if args.command == "mcp":
            from tui.commands.mcp_cmd import run_mcp_list

            return await run_mcp_list(args)
        if args.command == "acp":
            from tui.commands.acp_cmd import run_acp

            return await run_acp(args)
        if args.command in ("login", "logout"):
            from tui.commands.auth_cmd import run_login, run_logout

            return run_login() if args.command == "login" else run_logout()
        if args.command in (None, "resume", "fork"):
            from tui.commands.tui_cmd import run_tui

            return await run_tui(args)
        parser.print_help()
        return EXIT_OK
    except LhaError as err:
        error_line(str(err))
        return exit_code_for(err)
    except OSError as err:
        # A file or folder the commands did not foresee (permissions, a vanished folder):
        # still one line naming it, never a traceback.
        error_line(_os_error_text(err))
        return EXIT_FAILED
    except RecursionError:
        error_line("the input is nested too deeply to read; simplify it")
        return EXIT_BAD_INPUT


def _os_error_text(err: OSError) -> str:
    where = f"{err.filename}: " if err.filename else ""
    return f"{where}{(err.strerror or str(err)).lower()}; check the path and its permissions"


def exit_code_for(err: BaseException) -> int:
    """2 for what the user can fix in the command line or files, 1 for model/provider trouble."""
    from core.errors import (
        ConfigError,
        InvalidRequest,
        RolloutError,
        SessionLocked,
        ThreadNotFound,
    )

    bad_input = ConfigError | InvalidRequest | RolloutError | SessionLocked | ThreadNotFound
    if isinstance(err, bad_input):
        return EXIT_BAD_INPUT
    return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
