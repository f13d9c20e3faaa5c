"""``lha archive``, ``lha unarchive`` and ``lha delete``: keeping the session list tidy.

Archived sessions keep their file (moved under ``$LHA_HOME/archived_sessions/``) and are hidden
from ``lha threads``, the sidebar and resume by id until unarchived. Deleting asks on a
terminal; elsewhere ``--yes`` says it, and without it the command refuses with one line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from core.errors import InvalidRequest
from tui.commands.output import note

EXIT_OK = 0


def add_tidy_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    archive_p = sub.add_parser("archive", help="hide a past session (its file is kept)")
    archive_p.add_argument("target", help="thread id or rollout path")
    unarchive_p = sub.add_parser("unarchive", help="bring an archived session back")
    unarchive_p.add_argument("target", help="thread id or rollout path (of an archived session)")
    delete_p = sub.add_parser("delete", help="delete a session (listed or archived) for good")
    delete_p.add_argument("target", help="thread id or rollout path")
    delete_p.add_argument("--yes", action="store_true", help="do not ask for confirmation")


async def run_tidy(args: argparse.Namespace) -> int:
    from core.config.home import default_lha_home
    from core.rollout.tidy import archive_rollout, delete_rollout, unarchive_rollout
    from tui.commands.targets import resolve_rollout

    home = default_lha_home()
    if args.command == "archive":
        path = await resolve_rollout(home, args.target)
        moved = await asyncio.to_thread(archive_rollout, home, path)
        note(f"archived {_thread_id(moved)} (`lha unarchive` brings it back)")
    elif args.command == "unarchive":
        path = await resolve_rollout(home, args.target, archived=(True,))
        moved = await asyncio.to_thread(unarchive_rollout, home, path)
        note(f"unarchived {_thread_id(moved)}")
    else:
        path = await resolve_rollout(home, args.target, archived=(False, True))
        if not _confirmed(path, args.yes):
            note("nothing was deleted")
            return EXIT_OK
        await asyncio.to_thread(delete_rollout, home, path)
        note(f"deleted {_thread_id(path)}")
    return EXIT_OK


def _confirmed(path: Path, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if sys.stdin is None or not sys.stdin.isatty():
        raise InvalidRequest(
            "deleting a session needs a confirmation; run it in a terminal or add --yes"
        )
    answer = input(f"delete session {_thread_id(path)} for good? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _thread_id(path: Path) -> str:
    from core.rollout.paths import parse_rollout_file_name

    parsed = parse_rollout_file_name(path.name)
    return str(parsed.thread_id) if parsed else path.name
