"""Names users give sessions, kept in ``$LHA_HOME/session_names.jsonl``.

The search index is derived and may be rebuilt at any time, so names live in a file of their own:
one JSON line ``{"thread_id", "name", "at"}`` per rename, appended (0600), read whole (it stays
small: one line per rename). A later line wins; an empty name removes the name. A torn or
unreadable line is skipped, like a rollout's.

A name is resolved exactly first, then case-insensitively, then as the unique start of one name;
an ambiguous or unknown name is an ``InvalidRequest`` (exit 2) naming the candidates.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from core.errors import InvalidRequest
from core.protocol.ids import ThreadId
from core.rollout.paths import ensure_private_dir, open_private_append, write_all

NAMES_FILE_NAME = "session_names.jsonl"
MAX_NAME_CHARS = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def names_path(lha_home: Path) -> Path:
    return Path(lha_home) / NAMES_FILE_NAME


def read_names(lha_home: Path) -> dict[str, str]:
    """Every named session's name, by thread id (the latest rename of each)."""
    try:
        data = names_path(lha_home).read_bytes()
    except OSError:
        return {}
    names: dict[str, str] = {}
    for raw in data.splitlines():
        try:
            record = json.loads(raw)
            thread_id, name = record["thread_id"], record["name"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(thread_id, str) and isinstance(name, str):
            names[thread_id] = name
    return {thread_id: name for thread_id, name in names.items() if name}


def check_name(name: str) -> str:
    """The name, stripped; ``InvalidRequest`` when it cannot be one (one line, what to do)."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidRequest("a session name cannot be empty; give a few words")
    if _CONTROL.search(cleaned):
        raise InvalidRequest("a session name must be one line of text, without control characters")
    if len(cleaned) > MAX_NAME_CHARS:
        raise InvalidRequest(f"a session name has at most {MAX_NAME_CHARS} characters")
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
    for matches in (
        [tid for tid, n in names.items() if n == wanted],
        [tid for tid, n in names.items() if n.casefold() == folded],
        [tid for tid, n in names.items() if n.casefold().startswith(folded)],
    ):
        if len(matches) == 1:
            return ThreadId(matches[0])
        if matches:
            raise InvalidRequest(
                f"{name!r} names {len(matches)} sessions ({', '.join(sorted(matches))}); "
                "give more of the name or an id"
            )
    return None
