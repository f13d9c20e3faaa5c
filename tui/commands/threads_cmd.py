"""``lha threads``: past sessions, newest first, from the rollout files' heads.

``--archived`` lists the archived sessions instead; ``--cwd [DIR]`` keeps those started in DIR
(default: the current folder) or a folder below it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from core.text import first_line
from tui.commands.output import say

if TYPE_CHECKING:
    from core.rollout.listing import ThreadItem


def _listed(args: argparse.Namespace) -> list[ThreadItem]:
    from core.config.home import default_lha_home
    from core.rollout.codex_home import codex_session_roots
    from core.rollout.listing import list_threads_sync
    from tui.ui_settings import read_ui_settings

    home = default_lha_home()
    codex_on = read_ui_settings(home, Path.cwd()).codex_sessions and not args.archived
    roots = codex_session_roots(codex_on)
    limit = max(1, args.limit)
    folder = os.path.realpath(args.cwd) if args.cwd is not None else None
    items: list[ThreadItem] = []
    cursor: str | None = None
    while len(items) < limit:
        page = list_threads_sync(home, limit, cursor, archived=args.archived, extra_roots=roots)
        items += [item for item in page.items if folder is None or _within(item.cwd, folder)]
        cursor = page.next_cursor
        if cursor is None:
            break
    return items[:limit]


def _within(cwd: str, folder: str) -> bool:
    """True when the session's folder is ``folder`` or below it."""
    path = os.path.realpath(cwd)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


async def run_threads(args: argparse.Namespace) -> int:
    from core.config.home import default_lha_home
    from core.session_names import read_names

    home = default_lha_home()
    items = await asyncio.to_thread(_listed, args)
    names = read_names(home)
    for item in items:
        name = names.get(str(item.thread_id))
        if args.json:
            row = {
                "thread_id": str(item.thread_id),
                "name": name,
                "path": str(item.path),
                "created_at": item.created_at.isoformat(),
                "updated_at": item.updated_at.isoformat(),
                "cwd": item.cwd,
                "source": str(item.source),
                "model_provider": item.model_provider,
                "model": item.model,
                "forked_from_id": str(item.forked_from_id) if item.forked_from_id else None,
                "preview": item.preview,
                "origin": item.origin,
            }
            print(json.dumps(row))
        else:
            title = name or first_line(item.preview, 70)
            when = item.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            fork = " (fork)" if item.forked_from_id else ""
            codex = " (Codex)" if item.origin == "codex" else ""
            say(f"{when}  {item.thread_id}  {title}{fork}{codex}")
    if not items and not args.json:
        print(_nothing_listed(args))
    return 0


def _nothing_listed(args: argparse.Namespace) -> str:
    if args.archived:
        return "no archived sessions; `lha archive ID` archives one"
    if args.cwd is not None:
        return "no sessions started in this folder; `lha threads` lists every folder's"
    return 'no sessions yet; start one with `lha` or `lha exec "..."`'
