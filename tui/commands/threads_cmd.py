"""``lha threads``: past sessions, newest first, from the rollout files' heads."""

from __future__ import annotations

import argparse
import json

from core.text import first_line
from tui.commands.output import say


async def run_threads(args: argparse.Namespace) -> int:
    from core.config.home import default_lha_home
    from core.rollout.recorder import RolloutRecorder

    page = await RolloutRecorder.list_threads(default_lha_home(), max(1, args.limit))
    for item in page.items:
        if args.json:
            row = {
                "thread_id": str(item.thread_id),
                "path": str(item.path),
                "created_at": item.created_at.isoformat(),
                "updated_at": item.updated_at.isoformat(),
                "cwd": item.cwd,
                "source": str(item.source),
                "model_provider": item.model_provider,
                "model": item.model,
                "forked_from_id": str(item.forked_from_id) if item.forked_from_id else None,
                "preview": item.preview,
            }
            print(json.dumps(row))
        else:
            title = first_line(item.preview, 70)
            when = item.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            fork = " (fork)" if item.forked_from_id else ""
            say(f"{when}  {item.thread_id}  {title}{fork}")
    if not page.items and not args.json:
        print('no sessions yet; start one with `lha` or `lha exec "..."`')
    return 0
