"""``lha compact ID|PATH|--last [INSTRUCTIONS]``: summarise a past session's history now.

The session is resumed, compacted with its own model and closed again, as ``lha exec resume``
would; the next resume continues from the summary. A session with no message yet is left alone:
one line, exit 0, nothing written.
"""

from __future__ import annotations

import argparse
import sys

from tui.cli_options import add_run_options

EXIT_OK = 0


def add_compact_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    compact_p = sub.add_parser(
        "compact", help="replace a session's history with a summary, to free the model's context"
    )
    compact_p.add_argument("--last", action="store_true", help="the newest session")
    compact_p.add_argument("target", nargs="?", help="thread id or rollout path")
    compact_p.add_argument(
        "instructions", nargs="?", help="what the summary should keep or focus on"
    )
    compact_p.add_argument("--json", action="store_true", help="print one JSON event per line")
    add_run_options(compact_p)


async def run_compact(args: argparse.Namespace) -> int:
    from core.agent.compaction import has_user_message
    from core.agent.history import reconstruct_history
    from core.agent.thread_manager import ThreadManager
    from core.auth import AuthManager
    from core.config import Config
    from core.protocol.ops import Compact
    from core.protocol.session import SessionSource
    from core.rollout.recorder import RolloutRecorder
    from tui.commands.event_printer import EventPrinter, HumanPrinter, JsonPrinter
    from tui.commands.exec_cmd import drive_one_turn
    from tui.commands.targets import resolve_rollout

    if args.last and args.target is not None and args.instructions is None:
        args.instructions, args.target = args.target, None
    config = Config.load(overrides=args.overrides, model=args.model)
    path = await resolve_rollout(config.lha_home, args.target, last=args.last)
    history = await RolloutRecorder.get_rollout_history(path)
    if not has_user_message(reconstruct_history(history.get_rollout_items())):
        print("nothing to compact: the session has no message yet", file=sys.stderr)
        return EXIT_OK
    printer: EventPrinter = JsonPrinter() if args.json else HumanPrinter()
    auth = AuthManager(config.lha_home)
    manager = ThreadManager(
        config.lha_home, auth, config.model_provider_id, config.model_provider, SessionSource.EXEC
    )
    new = await manager.resume_thread_with_history(config, history, auth)
    return await drive_one_turn(manager, new, Compact(instructions=args.instructions), printer)
