"""``lha diff``, ``lha undo`` and ``--restore-files`` of ``lha fork`` / ``lha exec fork``.

Nothing is changed without the list of files first and a confirmation: on a terminal the user
is asked; elsewhere ``--yes`` says it, and without it the command refuses with one line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InvalidRequest
from core.sanitize import neutralize_terminal_escapes

if TYPE_CHECKING:
    from core.snapshots.restore import RestorePlan

EXIT_OK = 0


def add_snapshot_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``diff`` and ``undo`` subcommands."""
    diff_p = sub.add_parser("diff", help="show the file changes of a session's turn")
    _add_target(diff_p)
    diff_p.add_argument("--turn", type=int, help="the turn of user message N (0-based)")
    diff_p.add_argument("--all", action="store_true", help="every change since the session began")
    undo_p = sub.add_parser("undo", help="put files back as before a session's last changing turn")
    _add_target(undo_p)
    undo_p.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def add_restore_files_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--restore-files",
        action="store_true",
        help="also put the files back as they were before message N",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="with --restore-files: overwrite files changed since the last turn without asking",
    )


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--last", action="store_true", help="the newest session")
    parser.add_argument("target", nargs="?", help="thread id or rollout path")


async def run_diff(args: argparse.Namespace) -> int:
    from core.config.home import default_lha_home
    from core.snapshots.diff import turn_diff

    if args.turn is not None and args.all:
        raise InvalidRequest("give --turn N or --all, not both")
    home = default_lha_home()
    thread_id = await thread_id_of(home, args.target, last=args.last)
    text = await asyncio.to_thread(turn_diff, home, thread_id, turn=args.turn, whole=args.all)
    text = neutralize_terminal_escapes(text)
    sys.stdout.write(colored_diff(text) if sys.stdout.isatty() else text)
    if not text:
        print("no file changes", file=sys.stderr)
    return EXIT_OK


async def run_undo(args: argparse.Namespace) -> int:
    from core.config.home import default_lha_home
    from core.snapshots.undo import apply_undo, plan_undo

    home = default_lha_home()
    thread_id = await thread_id_of(home, args.target, last=args.last)
    plan = await asyncio.to_thread(plan_undo, home, thread_id)
    if not plan.restore.files:
        print(f"turn {plan.turn}'s changes are already undone on disk; nothing to change")
    elif not confirm(plan.restore, f"undo turn {plan.turn}", assume_yes=args.yes):
        return EXIT_OK
    skipped = await asyncio.to_thread(apply_undo, home, plan)
    _report_skipped(skipped)
    print(f"undid turn {plan.turn} of thread {thread_id} ({len(plan.restore.files)} files)")
    return EXIT_OK


async def restore_files_for_fork(lha_home: Path, rollout: Path, at: int, assume_yes: bool) -> None:
    """Put the source thread's files back as before message ``at`` (before the fork is made,
    so a refusal leaves neither a fork nor a changed file)."""
    from core.snapshots.fork_files import plan_restore_before_message, thread_lineage

    lineage = await asyncio.to_thread(thread_lineage, lha_home, rollout)
    plan = await asyncio.to_thread(plan_restore_before_message, lha_home, lineage, at)
    action = f"restoring the files as before message {at}"
    if not confirm(plan, action, assume_yes=assume_yes, only_edits=True):
        raise InvalidRequest("the files were not restored, so no fork was made")
    _report_skipped(await asyncio.to_thread(plan.apply))
    print(f"lha: restored {len(plan.files)} files as before message {at}", file=sys.stderr)


def confirm(plan: RestorePlan, action: str, *, assume_yes: bool, only_edits: bool = False) -> bool:
    """List the files, then ask on a terminal; ``assume_yes`` answers yes. Refuses with one
    line when nobody can be asked. ``only_edits``: ask only when files changed since would be
    overwritten (the command itself asked for the restore)."""
    edited = set(plan.changed_since)
    out = sys.stderr
    for path in plan.files:
        mark = "  (changed since: your edit is overwritten)" if path in edited else ""
        print(f"  {neutralize_terminal_escapes(str(path))}{mark}", file=out)
    if assume_yes or (only_edits and not edited):
        return True
    if sys.stdin is None or not sys.stdin.isatty():
        what = "overwrites files changed since the turn" if edited else "needs a confirmation"
        raise InvalidRequest(f"{action} {what}; run it in a terminal or add --yes")
    question = f"{action}: {len(plan.files)} files"
    if edited:
        question += f", {len(edited)} changed since (marked)"
    answer = input(f"{question}. Go ahead? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        print("nothing was changed", file=out)
        return False
    return True


_ANSI_CODES = {"file": "1", "hunk": "36", "added": "32", "removed": "31"}


def colored_diff(text: str) -> str:
    """The diff with added lines green, removed red, hunk headers cyan, file headers bold."""
    from core.diff_lines import diff_line_kinds

    lines = []
    for kind, body in diff_line_kinds(text.splitlines()):
        code = _ANSI_CODES.get(kind)
        lines.append(f"\x1b[{code}m{body}\x1b[0m\n" if code else f"{body}\n")
    return "".join(lines)


def _report_skipped(skipped: list[Path]) -> None:
    for path in skipped:
        print(f"lha: left {path} alone: it leads outside its folder", file=sys.stderr)


async def thread_id_of(lha_home: Path, target: str | None, *, last: bool) -> str:
    """The thread named by an id, a rollout path or ``--last``."""
    from core.protocol.ids import ThreadId
    from core.rollout.head import read_session_meta
    from tui.commands.targets import resolve_rollout

    if target is not None and not last and ThreadId.is_valid(target):
        return target  # its snapshots outlive its rollout: no need to find the file
    path = await resolve_rollout(lha_home, target, last=last)
    return str((await asyncio.to_thread(read_session_meta, path)).id)
