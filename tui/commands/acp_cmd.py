"""``lha acp``: serve the Agent Client Protocol on stdin/stdout until the client hangs up.

stdout carries protocol and nothing else: lha's warnings go to stderr, one line each (the
command line's warning handler). When the client closes stdin, even in the middle of a turn,
every session is shut down the ordinary way, so its rollout ends with everything the turn did.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, cast

from tui.cli_options import add_run_options

if TYPE_CHECKING:
    import asyncio

    from acp.interfaces import Agent

EXIT_OK = 0
STDIO_LIMIT_BYTES = 50 * 1024 * 1024
"""The longest JSON-RPC line read (a prompt with images is one line)."""


def add_acp_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    acp_p = sub.add_parser(
        "acp", help="serve the Agent Client Protocol on stdio (for Zed, toad and other editors)"
    )
    add_run_options(acp_p)


async def run_acp(args: argparse.Namespace) -> int:
    import logging

    from acp import run_agent

    from core import __version__
    from core.agent.thread_manager import ThreadManager
    from core.auth import AuthManager
    from core.config import Config
    from core.protocol.session import SessionSource
    from tui.acp.agent import LhaAcpAgent
    from tui.acp.wire_guard import guard_input

    config = Config.load(overrides=args.overrides, model=args.model)
    for warning in config.warnings:
        logging.getLogger("lha.acp").warning("%s", warning)
    auth = AuthManager(config.lha_home)
    manager = ThreadManager(
        config.lha_home, auth, config.model_provider_id, config.model_provider, SessionSource.ACP
    )
    agent = LhaAcpAgent(config, manager, auth, __version__)
    stdin, stdout = await _stdio_pipes()
    checked, guard = guard_input(stdin, stdout, STDIO_LIMIT_BYTES)
    try:
        await run_agent(cast("Agent", agent), stdout, checked, use_unstable_protocol=True)
    finally:
        guard.cancel()
        await agent.close_all()
        await manager.remove_and_close_all_threads()
    return EXIT_OK


async def _stdio_pipes() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """stdin and stdout as streams; a file or terminal in their place is one line of error."""
    from acp import stdio_streams

    from core.errors import InvalidRequest

    try:
        return await stdio_streams(limit=STDIO_LIMIT_BYTES)
    except ValueError:
        raise InvalidRequest(
            "lha acp talks JSON-RPC over pipes: start it from an ACP client such as Zed or "
            "toad (stdin and stdout must be pipes, not files)"
        ) from None
