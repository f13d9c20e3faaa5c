"""The options every running command takes: model, ``-c`` overrides, sandbox and approvals.

They may come before the command (``lha -m gpt-5.1 resume --last``), after it, or both, as with
the Codex CLI. argparse lets a subcommand's defaults overwrite what the main parser read, so
the main parser keeps its values under ``global_*`` names and ``merge_run_options`` joins them:
``-c`` lists add up (the later one wins key by key), and a flag after the command wins over one
before it. ``--sandbox`` and ``--ask-for-approval`` become ``-c`` overrides placed last, so they
beat ``-c`` as flags should.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from core.sanitize import terminal_line

SANDBOX_MODES = ("read-only", "workspace-write", "danger-full-access")
APPROVAL_POLICIES = ("untrusted", "on-request", "never")
GLOBAL_PREFIX = "global_"
_SINGLE_VALUED = ("model", "sandbox", "approval")


class LhaArgumentParser(argparse.ArgumentParser):
    """argparse, but its usage errors quote the user's arguments through the terminal sanitizer:
    an argument holding an escape sequence must not retitle the window or write the clipboard."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, terminal_line(f"{self.prog}: error: {message}") + "\n")


def add_run_options(parser: argparse.ArgumentParser, *, prefix: str = "") -> None:
    """Add ``-m``, ``-c``, ``-s`` and ``-a``; the main parser passes ``prefix=GLOBAL_PREFIX``."""
    parser.add_argument(
        "-m",
        "--model",
        dest=f"{prefix}model",
        metavar="MODEL",
        help="model to use (overrides config.toml)",
    )
    parser.add_argument(
        "-c",
        "--config",
        dest=f"{prefix}overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config.toml key (value parsed as TOML; dotted keys allowed)",
    )
    parser.add_argument(
        "-s",
        "--sandbox",
        dest=f"{prefix}sandbox",
        choices=SANDBOX_MODES,
        help="where commands the model runs may write (config: sandbox_mode)",
    )
    parser.add_argument(
        "-a",
        "--ask-for-approval",
        dest=f"{prefix}approval",
        choices=APPROVAL_POLICIES,
        help="when to ask before running a command (config: approval_policy)",
    )
    parser.add_argument(
        "--skip-unreadable",
        dest=f"{prefix}skip_unreadable",
        action="store_true",
        help="resume or fork even when lines holding user messages cannot be read",
    )


def merge_run_options(outer: argparse.Namespace, inner: argparse.Namespace, prefix: str) -> None:
    """Give ``inner`` the run options of ``outer`` (read under ``prefix``) that it lacks."""
    inner_overrides = getattr(inner, "overrides", None) or []
    outer_overrides = getattr(outer, f"{prefix}overrides", None) or []
    inner.overrides = [*outer_overrides, *inner_overrides]
    for name in _SINGLE_VALUED:
        value = getattr(inner, name, None) or getattr(outer, f"{prefix}{name}", None)
        setattr(inner, name, value)
    inner.skip_unreadable = bool(
        getattr(inner, "skip_unreadable", False)
        or getattr(outer, f"{prefix}skip_unreadable", False)
    )


def fold_flags_into_overrides(args: argparse.Namespace) -> None:
    """Turn ``--sandbox``/``--ask-for-approval`` into trailing ``-c`` overrides (once)."""
    if args.sandbox:
        args.overrides.append(f'sandbox_mode="{args.sandbox}"')
    if args.approval:
        args.overrides.append(f'approval_policy="{args.approval}"')
    if getattr(args, "skip_unreadable", False):
        args.overrides.append("skip_unreadable_lines=true")
    args.skip_unreadable = False
    args.sandbox = args.approval = None


def add_image_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-i",
        "--image",
        dest="images",
        action="append",
        metavar="FILE",
        help="attach an image (PNG, JPEG, GIF or WebP, up to 20 MB) to the prompt; repeatable",
    )
