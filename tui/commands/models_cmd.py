"""``lha models``: the configured provider's models, live or from cache when it is down."""

from __future__ import annotations

import argparse
import json
import sys


async def run_models(args: argparse.Namespace) -> int:
    from core.auth import AuthManager
    from core.config import Config
    from core.llm.catalog_strategy import CatalogRefreshStrategy
    from core.models_manager import ModelsManager

    config = Config.load(overrides=args.overrides)
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    auth = AuthManager(config.lha_home)
    manager = ModelsManager(config.lha_home, auth, config.model_provider_id, config.model_provider)
    models = await manager.list_models(config, CatalogRefreshStrategy(args.refresh))
    if manager.last_warning:
        print(f"warning: {manager.last_warning}", file=sys.stderr)
    for preset in models:
        if args.json:
            print(json.dumps(preset.model_dump(mode="json")))
        else:
            mark = "*" if preset.is_default else " "
            current = " (current)" if preset.model == config.model else ""
            print(f"{mark} {preset.model:<28} {preset.description[:60]}{current}")
    if not args.json:
        print(f"provider: {config.model_provider_id} ({config.model_provider.base_url})")
    return 0
