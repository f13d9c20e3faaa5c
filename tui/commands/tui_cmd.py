"""``lha``, ``lha resume`` and ``lha fork``: start the terminal UI (in the running event loop)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.errors import InvalidRequest

if TYPE_CHECKING:
    from core.config import Config
    from tui.start_request import StartRequest


async def run_tui(args: argparse.Namespace) -> int:
    from tui.app import LhaApp
    from tui.start_request import StartRequest

    model = getattr(args, "model", None)
    if args.command is None:
        return await _run_lazy(args.overrides, model, None)
    if args.command == "resume":
        from pathlib import Path

        from core.config.home import default_lha_home
        from core.rollout.codex_home import codex_session_roots
        from tui.commands.targets import resolve_rollout
        from tui.ui_settings import read_ui_settings

        if args.target is None and not args.last:  # pick one in the list, as `codex resume`
            return await _run_lazy(args.overrides, model, None, pick_session=True)
        home = default_lha_home()
        roots = codex_session_roots(read_ui_settings(home, Path.cwd()).codex_sessions)
        path = await resolve_rollout(home, args.target, last=args.last, extra_roots=roots)
        return await _run_lazy(args.overrides, model, StartRequest("resume", path))
    from core.config import Config

    config = Config.load(overrides=args.overrides, model=model)
    start: StartRequest | None = None
    if args.command == "fork":
        from tui.commands.targets import resolve_rollout

        if args.at is not None and args.at < 0:
            raise InvalidRequest(
                f"--at must be 0 or more (got {args.at}); 0 forks before the first"
            )
        path = await resolve_rollout(
            config.lha_home, args.target, extra_roots=config.session_roots()
        )
        if args.restore_files:
            from tui.commands.snapshot_cmd import restore_files_for_fork

            await restore_files_for_fork(config.lha_home, path, args.at, args.yes)
        start = StartRequest("fork", path, fork_at=args.at)
    app = LhaApp(config, start=start)
    await app.run_async()
    return app.return_code or 0


async def _run_lazy(
    overrides: list[str],
    model: str | None,
    start: StartRequest | None,
    *,
    pick_session: bool = False,
) -> int:
    """Draw the first frame from a quick read of config.toml; the app validates the config
    right after (plain ``lha``, and ``lha resume`` once its transcript is on screen)."""
    from pathlib import Path

    from core.config.home import default_lha_home
    from tui.app import LhaApp
    from tui.ui_settings import read_ui_settings

    def load() -> Config:
        from core.config import Config

        return Config.load(overrides=overrides, model=model)

    settings = read_ui_settings(default_lha_home(), Path.cwd(), model)
    app = LhaApp(load_config=load, settings=settings, start=start, pick_session=pick_session)
    await app.run_async()
    return app.return_code or 0
