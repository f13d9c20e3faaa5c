"""Names users give sessions, kept in ``$LHA_HOME/session_names.jsonl``.

The search index is derived and may be rebuilt at any time, so names live in a file of their own:
one JSON line ``{"thread_id", "name", "at"}`` per rename, appended (0600), read whole (it stays
small: one line per rename). A later line wins; an empty name removes the name. A torn or
unreadable line is skipped, like a rollout's.

A name is resolved exactly first, then case-insensitively, then as the unique start of one name;
an ambiguous or unknown name is an ``InvalidRequest`` (exit 2) naming the candidates.

Resolving a name is on the way of ``lha exec resume NAME``, and a long-used library has a name
for each of thousands of sessions, so the file is read with one regular expression over its
lines as ``set_name`` writes them (``json.loads`` line by line costs about 30 ms at 12,000
lines, the regular expression a few); a file with any other line is read line by line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime

from core.errors import InvalidRequest
from core.fs import ensure_private_dir, open_private_append, write_all
from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from core.protocol.ids import ThreadId

NAMES_FILE_NAME = "session_names.jsonl"
MAX_NAME_CHARS = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def names_path(lha_home: Path | str) -> Path:
    from pathlib import Path  # not at the top: ``lha search`` reads the names without it

    return Path(lha_home) / NAMES_FILE_NAME


_WRITTEN_LINE = re.compile(
    r'^\{"thread_id": "([^"\\\n]*)", "name": "([^"\\\n]*(?:\\.[^"\\\n]*)*)", "at": "[^"\\\n]*"\}$',
    re.MULTILINE,
)
"""A line exactly as ``set_name`` writes it (``json.dumps`` of its three keys, in order)."""


def read_names(lha_home: Path | str) -> dict[str, str]:
    """Every named session's name, by thread id (the latest rename of each)."""
    try:
        with open(os.path.join(lha_home, NAMES_FILE_NAME), "rb") as file:
            data = file.read()
    except OSError:
        return {}
    names = _read_written_lines(data)
    if names is None:
        names = _read_any_lines(data)
    return {thread_id: name for thread_id, name in names.items() if name}


def _read_written_lines(data: bytes) -> dict[str, str] | None:
    """The names of a file whose every line is as ``set_name`` writes it; None otherwise."""
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    found = _WRITTEN_LINE.findall(text)
    if len(found) != text.count("\n") + (0 if text.endswith("\n") else 1):
        return None
    if "\\" not in text:  # no escaped character anywhere: the names are as written
        return dict(found)
    names: dict[str, str] = {}
    for thread_id, name in found:
        if "\\" in name:  # an escaped quote or backslash
            try:
                name = json.loads(f'"{name}"')
            except ValueError:
                return None
        names[thread_id] = name
    return names


def _read_any_lines(data: bytes) -> dict[str, str]:
    """Line by line, skipping torn or foreign lines."""
    names: dict[str, str] = {}
    for raw in data.splitlines():
        try:
            record = json.loads(raw)
            thread_id, name = record["thread_id"], record["name"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(thread_id, str) and isinstance(name, str):
            names[thread_id] = name
    return names


def check_name(name: str) -> str:
    """The name, stripped; ``InvalidRequest`` when it cannot be one (one line, what to do)."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidRequest("a session name cannot be empty; give a few words")
    if _CONTROL.search(cleaned):
        raise InvalidRequest("a session name must be one line of text, without control characters")
    if len(cleaned) > MAX_NAME_CHARS:
        raise InvalidRequest(f"a session name has at most {MAX_NAME_CHARS} characters")
    from core.protocol.ids import ThreadId  # not at the top: ``lha search`` reads names only

    if ThreadId.is_valid(cleaned):
        raise InvalidRequest("a session name cannot look like a thread id; pick words")
    return cleaned


def set_name(lha_home: Path, thread_id: ThreadId | str, name: str) -> str:
    """Name a session (a later name wins); returns the name as stored."""
    cleaned = check_name(name)
    record = {
        "thread_id": str(thread_id),
        "name": cleaned,
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
    path = names_path(lha_home)
    ensure_private_dir(path.parent)
    fd = open_private_append(path)
    try:
        write_all(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode())
    finally:
        os.close(fd)
    return cleaned


def resolve_name(lha_home: Path, name: str) -> ThreadId | None:
    """The thread named ``name``; None when no name matches at all.

    Raises:
        InvalidRequest: several sessions match (the message lists their ids).
    """
    names = read_names(lha_home)
    wanted = name.strip()
    folded = wanted.casefold()
    rules: tuple[Callable[[str], bool], ...] = (
        lambda n: n == wanted,
        lambda n: n.casefold() == folded,
        lambda n: n.casefold().startswith(folded),
    )
    for rule in rules:  # the next rule only when this one found nothing
        matches = [tid for tid, n in names.items() if rule(n)]
        if len(matches) == 1:
            from core.protocol.ids import ThreadId

            return ThreadId(matches[0])
        if matches:
            raise InvalidRequest(
                f"{name!r} names {len(matches)} sessions ({', '.join(sorted(matches))}); "
                "give more of the name or an id"
            )
    return None
