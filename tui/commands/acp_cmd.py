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
    """Answer ``initialize`` at once (the wire guard), load the SDK and the engine meanwhile in
    a worker thread, then serve every other request until stdin closes."""
    import asyncio

    from core import __version__
    from tui.acp.wire_guard import guard_input

    stdin, stdout = await _stdio_pipes()
    checked, guard = guard_input(stdin, stdout, STDIO_LIMIT_BYTES, __version__)
    try:
        await asyncio.to_thread(_load_sdk_and_engine)
        return await _serve(args, checked, stdout)
    finally:
        guard.cancel()


def _load_sdk_and_engine() -> None:
    """Import what serving needs, off the event loop (most of the time is the SDK's schema)."""
    import importlib

    for module in ("acp", "core.agent.thread_manager", "core.config", "tui.acp.agent"):
        importlib.import_module(module)


async def _serve(
    args: argparse.Namespace, requests: asyncio.StreamReader, stdout: asyncio.StreamWriter
) -> int:
    import logging

    from acp import run_agent

    from core.agent.thread_manager import ThreadManager
    from core.auth import AuthManager
    from core.config import Config
    from core.protocol.session import SessionSource
    from tui.acp.agent import LhaAcpAgent

    config = Config.load(overrides=args.overrides, model=args.model)
    for warning in config.warnings:
        logging.getLogger("lha.acp").warning("%s", warning)
    auth = AuthManager(config.lha_home)
    manager = ThreadManager(
        config.lha_home, auth, config.model_provider_id, config.model_provider, SessionSource.ACP
    )
    agent = LhaAcpAgent(config, manager, auth)
    try:
        await run_agent(cast("Agent", agent), stdout, requests, use_unstable_protocol=True)
    finally:
        await agent.close_all()
        await manager.remove_and_close_all_threads()
    return EXIT_OK


async def _stdio_pipes() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """stdin and stdout as streams (without the SDK, not loaded yet); a file or terminal in
    their place is one line of error."""
    import asyncio
    import sys

    from core.errors import InvalidRequest

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=STDIO_LIMIT_BYTES)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, sys.stdout
        )
    except ValueError:
        raise InvalidRequest(
            "lha acp talks JSON-RPC over pipes: start it from an ACP client such as Zed or "
            "toad (stdin and stdout must be pipes, not files)"
        ) from None
    return reader, asyncio.StreamWriter(transport, protocol, reader, loop)
