"""``lha rename ID|PATH|NAME NEW_NAME``: give a past session a name to find and resume it by."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.errors import RolloutError


def add_rename_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rename_p = sub.add_parser("rename", help="name a session (resume, fork and search by name)")
    rename_p.add_argument("target", help="thread id, rollout path or current name")
    rename_p.add_argument("name", help="the new name")


def thread_id_of(path: Path) -> str:
    """The thread id of a rollout file: from its name, else from its session_meta line."""
    from core.rollout.head import read_head
    from core.rollout.paths import parse_rollout_file_name

    parsed = parse_rollout_file_name(path.name)
    if parsed is not None:
        return str(parsed.thread_id)
    head = read_head(path)
    if head is None:
        raise RolloutError(path, "no session_meta line, so this is not an lha session")
    return str(head.meta.id)


async def run_rename(args: argparse.Namespace) -> int:
    from core.config.home import default_lha_home
    from core.session_names import check_name, set_name
    from tui.commands.targets import resolve_rollout

    home = default_lha_home()
    name = check_name(args.name)
    path = await resolve_rollout(home, args.target)
    thread_id = thread_id_of(path)
    print(f"{thread_id}  {set_name(home, thread_id, name)}")
    return 0
