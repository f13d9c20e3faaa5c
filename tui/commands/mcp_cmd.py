"""``lha mcp list``: start every configured MCP server once and show its status and tools.

Server ``env`` values are never printed (they are usually tokens); only their names are.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from core.text import first_line
from tui.commands.output import say, warn

EXIT_OK, EXIT_FAILED = 0, 1


async def run_mcp_list(args: argparse.Namespace) -> int:
    from core.config import Config
    from core.tools.mcp_manager import McpManager

    config = Config.load(overrides=args.overrides)
    for warning in config.warnings:
        warn(warning)
    if not config.mcp_servers:
        if args.json:
            print("[]")
        else:
            print("no MCP servers configured; add a [mcp_servers.NAME] table to config.toml")
        return EXIT_OK
    manager = McpManager(config.mcp_servers, lambda _message: None)
    manager.start()
    try:
        await manager.wait_ready()
        rows = [_row(name, server) for name, server in manager.servers.items()]
        rows += [_disabled_row(name, cfg) for name, cfg in config.mcp_servers.items()
                 if not cfg.enabled]  # fmt: skip
    finally:
        await manager.aclose()
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    return EXIT_OK if all(row["status"] in ("ready", "disabled") for row in rows) else EXIT_FAILED


def _row(name: str, server: Any) -> dict[str, Any]:
    from core.tools.mcp_names import qualified_tool_name

    cfg = server.config
    return {
        **_config_columns(name, cfg),
        "status": server.status,
        "error": server.error,
        "tools": [
            {
                "name": tool.name,
                "qualified_name": qualified_tool_name(name, tool.name),
                "description": tool.description,
            }
            for tool in server.tools
            if cfg.offers(tool.name)
        ],
    }


def _disabled_row(name: str, cfg: Any) -> dict[str, Any]:
    return {**_config_columns(name, cfg), "status": "disabled", "error": None, "tools": []}


def _config_columns(name: str, cfg: Any) -> dict[str, Any]:
    """What the table shows of a server's config: never header values or env values."""
    return {
        "name": name,
        "transport": "http" if cfg.url else "stdio",
        "command": cfg.command or cfg.url,
        "args": list(cfg.args),
        "env_keys": sorted(cfg.env or {}),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        status = row["status"] if not row["error"] else f"{row['status']}: {row['error']}"
        command = " ".join([row["command"], *row["args"]])
        say(f"{row['name']}  {status}  ({command})")
        for tool in row["tools"]:
            summary = first_line(tool["description"] or "")
            say(f"  {tool['qualified_name']}  {summary}".rstrip())
