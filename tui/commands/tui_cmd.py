"""``lha``, ``lha resume`` and ``lha fork``: start the terminal UI (in the running event loop)."""

from __future__ import annotations

import argparse

from core.errors import InvalidRequest


async def run_tui(args: argparse.Namespace) -> int:
    from core.config import Config
    from tui.app import LhaApp
    from tui.start_request import StartRequest

    config = Config.load(overrides=args.overrides, model=getattr(args, "model", None))
    start: StartRequest | None = None
    if args.command in ("resume", "fork"):
        from tui.commands.targets import resolve_rollout
    if args.command == "resume":
        path = await resolve_rollout(config.lha_home, args.target, last=args.last)
        start = StartRequest("resume", path)
    elif args.command == "fork":
        if args.at < 0:
            raise InvalidRequest(
                f"--at must be 0 or more (got {args.at}); 0 forks before the first"
            )
        path = await resolve_rollout(config.lha_home, args.target)
        start = StartRequest("fork", path, fork_at=args.at)
    app = LhaApp(config, start=start)
    await app.run_async()
    return app.return_code or 0
