"""``lha exec``: one turn on a new, resumed or forked thread, printed for people or scripts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InvalidRequest
from tui.cli_options import (
    LhaArgumentParser,
    add_image_flag,
    add_run_options,
    fold_flags_into_overrides,
    merge_run_options,
)
from tui.commands.event_printer import EventPrinter, HumanPrinter, JsonPrinter
from tui.commands.snapshot_cmd import add_restore_files_flag, restore_files_for_fork
from tui.startup_gc import end_startup_pause

if TYPE_CHECKING:
    from core.agent.thread_manager import NewThread, ThreadManager
    from core.images.attachment import ImageAttachment
    from core.protocol.ops import Op, UserInput
    from tui.commands.exec_tools import RequestAnswerer

EXIT_OK, EXIT_FAILED = 0, 1

_finished_run: list[object] = []
"""The last run's manager and thread, still referenced when ``run_exec`` returns: freeing a
1,000-turn history object by object takes ~5 ms, and the process ends right after without
freeing anything (``tui.cli._exit_without_teardown``). Only the last run is kept, so callers
that run many in one process hold one history at most."""


def _sub_parser(prog: str) -> argparse.ArgumentParser:
    parser = LhaArgumentParser(prog=prog, add_help=True)
    add_run_options(parser)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-C", "--cd", dest="cwd")
    parser.add_argument("--dynamic-tools", metavar="FILE")
    parser.add_argument("--name")
    add_image_flag(parser)
    return parser


def parse_exec_args(args: argparse.Namespace) -> argparse.Namespace:
    """Split ``exec``'s remainder into mode (new/resume/fork), target, index and prompt."""
    rest = list(args.args)
    mode = "new"
    if rest and rest[0] in ("resume", "fork"):
        mode = rest.pop(0)
    if mode == "resume":
        parser = _sub_parser("lha exec resume")
        parser.add_argument("--last", action="store_true", help="the newest session")
        parser.add_argument("target", nargs="?", help="thread id or rollout path")
        parser.add_argument("prompt", nargs="?")
        ns = parser.parse_intermixed_args(rest)
        if ns.last and ns.target is not None and ns.prompt is None:
            ns.prompt, ns.target = ns.target, None
    elif mode == "fork":
        parser = _sub_parser("lha exec fork")
        parser.add_argument("target", help="thread id or rollout path")
        parser.add_argument(
            "--at", type=int, help="fork before the N-th user message (0-based; default: all)"
        )
        add_restore_files_flag(parser)
        parser.add_argument("prompt", nargs="?")
        ns = parser.parse_intermixed_args(rest)
        ns.last = False
    else:
        parser = _sub_parser("lha exec")
        parser.add_argument("prompt", nargs="?")
        ns = parser.parse_intermixed_args(rest)
        ns.target, ns.last = None, False
    ns.mode = mode
    ns.json = ns.json or args.json
    merge_run_options(args, ns, prefix="")
    fold_flags_into_overrides(ns)
    ns.cwd = ns.cwd or args.cwd
    ns.dynamic_tools = ns.dynamic_tools or getattr(args, "dynamic_tools", None)
    ns.name = ns.name or getattr(args, "name", None)
    ns.images = [*(getattr(args, "images", None) or []), *(ns.images or [])]
    return ns


def load_images(files: list[str], cwd: Path) -> list[ImageAttachment]:
    """The ``--image`` files, read before any thread starts: a bad one is one line, exit 2."""
    if not files:
        return []
    from core.images.attachment import load_image_file, resolve_image_path

    return [load_image_file(resolve_image_path(file, cwd)) for file in files]


def user_input(prompt: str, images: list[ImageAttachment]) -> UserInput:
    from core.protocol.ops import TextInput, UserInput

    return UserInput(items=[TextInput(text=prompt), *(image.to_input() for image in images)])


def read_prompt(prompt: str | None) -> str:
    if prompt is None or prompt == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise InvalidRequest('give a prompt: `lha exec "your request"` (or `-` for stdin)')
        prompt = _read_stdin()
    if not prompt.strip():
        raise InvalidRequest("the prompt is empty; say what the agent should do")
    return prompt


def _read_stdin() -> str:
    """All of stdin as text. Bytes that are not UTF-8 are kept as surrogates, as on the command
    line, whatever PYTHONIOENCODING says: the engine replaces them and says so."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin.read()
    data: bytes = buffer.read()
    return data.decode("utf-8", "surrogateescape")


async def run_exec(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from core.agent.thread_manager import ThreadManager
    from core.auth import AuthManager
    from core.config import Config
    from core.protocol.session import SessionSource
    from tui.commands.exec_tools import RequestAnswerer, load_dynamic_tools
    from tui.commands.targets import resolve_rollout
    from tui.commands.work_dir import working_folder

    ns = parse_exec_args(args)
    cwd = working_folder(ns.cwd) if ns.cwd else None
    dynamic_tools = load_dynamic_tools(ns.dynamic_tools) if ns.dynamic_tools else []
    if dynamic_tools and (ns.prompt is None or ns.prompt == "-"):
        raise InvalidRequest(
            "--dynamic-tools answers tool calls from stdin; give the prompt as an argument"
        )
    images = load_images(ns.images, cwd or Path.cwd())
    prompt = read_prompt(ns.prompt)
    name = None
    if ns.name is not None:
        from core.session_names import check_name

        name = check_name(ns.name)
    if ns.mode == "fork" and ns.at is not None and ns.at < 0:
        raise InvalidRequest(f"--at must be 0 or more (got {ns.at}); 0 forks before the first")
    config = Config.load(cwd=cwd, overrides=ns.overrides, model=ns.model)
    printer: EventPrinter = JsonPrinter() if ns.json else HumanPrinter()
    for warning in config.warnings:
        printer.warn(warning)
    auth = AuthManager(config.lha_home)
    manager = ThreadManager(
        config.lha_home,
        auth,
        config.model_provider_id,
        config.model_provider,
        SessionSource.EXEC,
        index_new_rollouts=False,  # one turn, then exit: the next search indexes a new file
    )
    if ns.mode == "new":
        new = await manager.start_thread_with_tools(config, dynamic_tools)
    else:
        path = await resolve_rollout(
            config.lha_home, ns.target, last=ns.last, extra_roots=config.session_roots()
        )
        if ns.mode == "resume":
            new = await manager.resume_thread_from_rollout(config, path, auth, dynamic_tools)
        else:
            if ns.restore_files:
                await restore_files_for_fork(config.lha_home, path, ns.at, ns.yes)
            new = await manager.fork_thread(ns.at, config, path, dynamic_tools)
    if name is not None:
        from core.session_names import set_name

        set_name(config.lha_home, new.thread_id, name)
    turn_input = user_input(prompt, images) if images else prompt
    code = await drive_one_turn(manager, new, turn_input, printer, RequestAnswerer(printer))
    _finished_run[:] = [manager, new]
    return code


async def drive_one_turn(
    manager: ThreadManager,
    new: NewThread,
    prompt: str | Op,
    printer: EventPrinter,
    answerer: RequestAnswerer | None = None,
) -> int:
    """Submit the prompt (or another op that runs as a turn: ``lha compact``), print events
    until the turn ends, then shut the thread down.

    ``answerer`` answers dynamic tool calls and approval requests as they come; if it fails
    (bad input on stdin), the thread is still shut down before the error propagates."""
    from core.protocol.events import (
        ErrorEvent,
        ModelRefusal,
        TaskComplete,
        TaskStarted,
        TurnAbortedEvent,
    )
    from core.protocol.ops import UserInput

    thread = new.thread
    printer.session_configured(new.session_configured)
    await thread.submit(UserInput.text(prompt) if isinstance(prompt, str) else prompt)
    outcome = EXIT_FAILED
    refused = False
    try:
        while True:
            event = await thread.next_event()
            if isinstance(event.msg, TaskStarted):
                # Seen when the turn first waits: its request is out by then, with the HTTP
                # client's modules loaded (~3 ms of GC passes over them had start-up ended
                # before). See startup_gc.
                end_startup_pause()
            printer.event(event)
            refused = refused or isinstance(event.msg, ModelRefusal)
            if isinstance(event.msg, TaskComplete):
                outcome = EXIT_FAILED if refused else EXIT_OK
                break
            if isinstance(event.msg, ErrorEvent | TurnAbortedEvent):
                break
            if answerer is not None:
                await answerer.handle(thread, event.msg)
    finally:
        end_startup_pause()  # a turn that ended before it started
        shut_down_cleanly = await _shut_down(manager, new, printer)
    return outcome if shut_down_cleanly else EXIT_FAILED


async def _shut_down(manager: ThreadManager, new: NewThread, printer: EventPrinter) -> bool:
    """Shut the thread down; False when it reported an error meanwhile (the rollout could not
    be written: a session that was not saved is a failure, whatever the turn did)."""
    from core.protocol.events import ErrorEvent, ShutdownComplete
    from core.protocol.ops import Shutdown

    thread = new.thread
    await thread.submit(Shutdown())
    clean = True
    while True:
        event = await thread.next_event()
        printer.event(event)
        clean = clean and not isinstance(event.msg, ErrorEvent)
        if isinstance(event.msg, ShutdownComplete):
            break
    await manager.remove_thread(new.thread_id)
    return clean
