"""``lha search QUERY``: the sessions where something was said, best match first.

It runs before asyncio is even imported (see ``tui.cli.main``): a search is a few SQLite queries,
and start-up is most of its time. Hits print one a line; with ``--json`` one object a line.
Sessions the Codex CLI wrote are searched too (see ``core.index.library``) and marked "(Codex)",
``"origin": "codex"`` in JSON, as in ``lha threads``.
"""

from __future__ import annotations

import os
import sys

from core.records import TYPE_CHECKING, Record

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from core.index.search import SearchHit

HIGHLIGHT_ON = "\x1b[1;33m"
HIGHLIGHT_OFF = "\x1b[0m"
LABEL_CHARS = 40
PROGRESS_MIN_BYTES = 50_000_000
DEFAULT_LIMIT = 20


SEARCH_HELP = 'find past sessions by what was said (words, "a phrase", prefix*)'
_FLAGS = {"--all": "all", "--archived": "archived", "--json": "json"}
_LIMIT_FLAGS = ("-n", "--limit")


class SearchArgs(Record):
    """What ``lha search`` was asked, from either parser."""

    query: list[str]
    all: bool = False
    archived: bool = False
    json: bool = False
    limit: int = DEFAULT_LIMIT

    @classmethod
    def from_namespace(cls, args: argparse.Namespace) -> SearchArgs:
        return cls(list(args.query), args.all, args.archived, args.json, args.limit)


def add_search_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _add_search_arguments(sub.add_parser("search", help=SEARCH_HELP, description=SEARCH_HELP))


def parse_search_args(argv: list[str]) -> SearchArgs:
    """``lha search ...`` parsed without building every other command's parser (``lha search``
    is the first argument: see ``tui.cli.main``). The usual forms are read by hand (argparse,
    its help formatter and what they import cost a search ~6 ms of its ~40); anything else
    (``--help``, an abbreviated or unknown option, a mistake) goes to argparse, which accepts
    or rejects it with its usual message."""
    quick = _parse_usual_forms(argv)
    if quick is not None:
        return quick
    from tui.cli_options import LhaArgumentParser

    parser = LhaArgumentParser(prog="lha search", description=SEARCH_HELP)
    _add_search_arguments(parser)
    return SearchArgs.from_namespace(parser.parse_args(argv))


def _parse_usual_forms(argv: list[str]) -> SearchArgs | None:
    """Words in one run, the exact flags, ``-n N``/``-nN``/``--limit N``/``--limit=N`` with a
    plain number; None for anything argparse must judge (it would read these the same way)."""
    words: list[str] = []
    flags = {"all": False, "archived": False, "json": False}
    limit = DEFAULT_LIMIT
    words_ended = False
    position = 0
    while position < len(argv):
        token = argv[position]
        position += 1
        value: str | None = None
        if not token.startswith("-"):
            if words_ended:
                return None  # argparse rejects words after an option once the words began
            words.append(token)
            continue
        words_ended = bool(words)
        if token in _FLAGS:
            flags[_FLAGS[token]] = True
            continue
        if token in _LIMIT_FLAGS and position < len(argv):
            value = argv[position]
            position += 1
        elif token.startswith("--limit="):
            value = token.removeprefix("--limit=")
        elif token.startswith("-n") and token != "-n":
            value = token.removeprefix("-n")
        if value is None or not value.isdigit() or not value.isascii():
            return None
        limit = int(value)
    if not words:
        return None
    return SearchArgs(words, flags["all"], flags["archived"], flags["json"], limit)


def _add_search_arguments(search_p: argparse.ArgumentParser) -> None:
    search_p.add_argument("query", nargs="+", help='words (all must match), "phrase", prefix*')
    search_p.add_argument(
        "--all", action="store_true", help="every session, not only this folder's and below"
    )
    search_p.add_argument("--archived", action="store_true", help="include archived sessions")
    search_p.add_argument("--json", action="store_true", help="one JSON object per hit")
    search_p.add_argument(
        "-n", "--limit", type=int, default=DEFAULT_LIMIT, help=f"hits at most ({DEFAULT_LIMIT})"
    )


def run_search(args: SearchArgs) -> int:
    """Print the hits; 0 when there were some, 1 when none (like grep), 2 for a bad query."""
    from core.config.home import lha_home_text
    from core.index.library import SessionIndex
    from core.index.query import parse_query
    from core.index.search import SearchScope
    from core.path_text import path_text
    from core.session_names import read_names
    from tui.startup_gc import end_startup_pause

    end_startup_pause()  # paused by tui.cli.main: what the imports made needs no GC pass
    query = parse_query(" ".join(args.query))
    scope = SearchScope(
        cwd=None if args.all else path_text(os.getcwd()),
        include_archived=args.archived,
        limit=max(1, args.limit),
    )
    home = lha_home_text()  # pathlib and what it imports are ~3 ms of a search: as text
    names = read_names(home)
    index = SessionIndex(home)
    try:
        hits, vanished = index.search(query, scope, _progress_on_terminal(), names)
    finally:
        index.close()
    for warning in index.warnings:
        print(f"lha: {warning}", file=sys.stderr)
    if vanished:
        print(
            f"lha: skipped {len(vanished)} session(s) whose file disappeared since it was "
            f"indexed (first: {vanished[0]})",
            file=sys.stderr,
        )
    _print_hits(hits, args.json, names)
    if not hits and not args.json:
        hint = "" if args.all else " in this folder; --all searches every session"
        print(f"lha: no session matches {query.text!r}{hint}", file=sys.stderr)
    return 0 if hits else 1


def _progress_on_terminal() -> Callable[[int, int], None] | None:
    """On a terminal, a first build of a large library says how far it is (on stderr)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total >= PROGRESS_MIN_BYTES:
            end = "\n" if done >= total else ""
            print(f"\rlha: indexing sessions {100 * done // total}%", end=end, file=sys.stderr)

    return show


def _print_hits(hits: list[SearchHit], as_json: bool, names: dict[str, str]) -> None:
    color = not as_json and sys.stdout.isatty()
    lines = [
        _json_line(hit, names.get(hit.thread_id)) if as_json else _text_line(hit, names, color)
        for hit in hits
    ]
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()


def _json_line(hit: SearchHit, name: str | None) -> str:
    import json

    return json.dumps(
        {
            "thread_id": hit.thread_id,
            "path": hit.rollout,
            "name": name,
            "cwd": hit.cwd,
            "created_at": hit.created_at,
            "updated_at": hit.updated_at.isoformat(),
            "archived": hit.archived,
            "turn": hit.turn,
            "role": hit.role,
            "snippet": hit.snippet.text,
            "origin": hit.origin,
        },
        ensure_ascii=False,
    )


def _one_line(text: str, width: int) -> str:
    if not text.isprintable():  # a control character or a lone surrogate may be in it
        from core.sanitize import neutralize_terminal_escapes  # its patterns take ~1 ms

        text = neutralize_terminal_escapes(text)
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _text_line(hit: SearchHit, names: dict[str, str], color: bool) -> str:
    label = _one_line(names.get(hit.thread_id) or hit.preview, LABEL_CHARS)
    if hit.origin == "codex":  # marked as in ``lha threads``
        label += " (Codex)"
    when = hit.updated_at.astimezone()
    snippet = hit.snippet.render(HIGHLIGHT_ON, HIGHLIGHT_OFF) if color else hit.snippet.text
    return f"{label}  {hit.thread_id[:8]}  {when:%Y-%m-%d %H:%M}  #{hit.turn} {hit.role}  {snippet}"
