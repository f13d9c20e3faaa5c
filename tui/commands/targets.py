"""Turning a user's ``ID | PATH | --last`` into a rollout file (ID: any unique prefix of one)."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Sequence
from pathlib import Path

from core.errors import InvalidRequest, ThreadNotFound
from core.protocol.ids import ThreadId


async def resolve_rollout(
    lha_home: Path, target: str | None, *, last: bool = False, extra_roots: Sequence[Path] = ()
) -> Path:
    """The rollout named by a path or thread id, or the newest session with ``last``; ids and
    ``last`` also look in ``extra_roots`` (the Codex CLI's sessions)."""
    from core.rollout.listing import find_latest_thread_path, find_thread_path_by_id

    if last and target is not None:
        raise InvalidRequest(
            f"--last and {_shown(target)} exclude each other; give either --last or an ID or PATH"
        )
    if last:
        path = await find_latest_thread_path(lha_home, extra_roots=extra_roots)
        if path is None:
            raise InvalidRequest("there is no past session to resume; start one with `lha exec`")
        return path
    if target is None:
        raise InvalidRequest("name a session: an id from `lha threads`, a rollout path, or --last")
    candidate = await asyncio.to_thread(_existing_file, target)
    if candidate is not None:
        return candidate
    if ThreadId.is_prefix(target):  # a whole id, or any unique beginning of one
        found = await find_thread_path_by_id(lha_home, target, extra_roots)
        if found is not None:
            return found
        raise ThreadNotFound(target)
    raise InvalidRequest(
        f"{_shown(target)} is neither a rollout file nor a thread id; `lha threads` lists sessions"
    )


def _existing_file(target: str) -> Path | None:
    """``target`` as a path when it names a file; None when nothing is there (or the name
    cannot be a path at all: too long); ``InvalidRequest`` when it cannot be looked at."""
    path = Path(target).expanduser()
    try:
        return path if path.is_file() else None
    except OSError as err:
        if err.errno in (errno.ENAMETOOLONG, errno.EINVAL):
            return None
        reason = (err.strerror or str(err)).lower()
        raise InvalidRequest(f"{_shown(target)}: cannot look at it ({reason})") from None


def _shown(target: str, limit: int = 80) -> str:
    """``target`` quoted for a message, cut when long (a pasted 5,000-character id)."""
    return repr(target if len(target) <= limit else target[: limit - 1] + "…")
