"""``lha threads``: past sessions, newest first, from the rollout files' heads."""

from __future__ import annotations

import argparse
import json

from tui.commands.output import say


async def run_threads(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.config.home import default_lha_home
    from core.rollout.codex_home import codex_session_roots
    from core.rollout.recorder import RolloutRecorder
    from core.session_names import read_names
    from tui.ui_settings import read_ui_settings

    home = default_lha_home()
    roots = codex_session_roots(read_ui_settings(home, Path.cwd()).codex_sessions)
    page = await RolloutRecorder.list_threads(home, max(1, args.limit), extra_roots=roots)
    names = read_names(home)
    for item in page.items:
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
            first_line = name or (item.preview.splitlines() or [""])[0][:70]
            when = item.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            fork = " (fork)" if item.forked_from_id else ""
            codex = " (Codex)" if item.origin == "codex" else ""
            say(f"{when}  {item.thread_id}  {first_line}{fork}{codex}")
    if not page.items and not args.json:
        print('no sessions yet; start one with `lha` or `lha exec "..."`')
    return 0
