"""``lha models``: the configured provider's models, live or from cache when it is down."""

from __future__ import annotations

import argparse
import json

from tui.commands.output import say, warn


async def run_models(args: argparse.Namespace) -> int:
    from core.auth import AuthManager
    from core.config import Config
    from core.models.manager import ModelsManager
    from core.models.refresh_strategy import CatalogRefreshStrategy

    config = Config.load(overrides=args.overrides)
    for warning in config.warnings:
        warn(warning)
    auth = AuthManager(config.lha_home)
    manager = ModelsManager(config.lha_home, auth, config.model_provider_id, config.model_provider)
    models = await manager.list_models(config, CatalogRefreshStrategy(args.refresh))
    if manager.last_warning:
        warn(manager.last_warning)
    for preset in models:
        if args.json:
            print(json.dumps(preset.model_dump(mode="json")))
        else:
            mark = "*" if preset.is_default else " "
            current = " (current)" if preset.model == config.model else ""
            # The ids and descriptions come from the server: ``say`` shows escapes inert.
            description = preset.description.replace("\n", " ")[:60]
            say(f"{mark} {preset.model:<28} {description}{current}")
    if not args.json:
        say(f"provider: {config.model_provider_id} ({config.model_provider.base_url})")
    return 0
