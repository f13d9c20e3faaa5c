"""``lha export ID|PATH|--last [--format md|html|json] [-o FILE]``: a session as a document."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui.commands.output import note

if TYPE_CHECKING:
    from core.export import ExportFormat


def add_export_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export_p = sub.add_parser(
        "export", help="print a session as Markdown, HTML or JSON (secrets masked)"
    )
    export_p.add_argument("target", nargs="?", help="thread id or rollout path")
    export_p.add_argument("--last", action="store_true", help="the newest session")
    export_p.add_argument(
        "--format",
        choices=["md", "html", "json"],
        help="md (default), html or json; with -o, the file's suffix picks it when not given",
    )
    export_p.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")


def export_format(args: argparse.Namespace) -> ExportFormat:
    """``--format``, else the suffix of ``-o FILE``, else Markdown."""
    from core.export import format_for_file

    if args.format:
        chosen: ExportFormat = args.format
        return chosen
    return format_for_file(args.output) if args.output else "md"


async def run_export(args: argparse.Namespace) -> int:
    from core.config.home import default_lha_home
    from core.export import export_rollout, write_document
    from tui.commands.targets import resolve_rollout

    path = await resolve_rollout(
        default_lha_home(), args.target, last=args.last, archived=(False, True)
    )
    document = await asyncio.to_thread(export_rollout, path, export_format(args))
    if args.output is None:
        sys.stdout.write(document)
        sys.stdout.flush()
        return 0
    output = Path(args.output)
    await asyncio.to_thread(write_document, output, document)
    note(f"exported {path.name} to {output}")
    return 0
