"""Turning a user's ``ID | PATH | --last`` into a rollout file (ID: any unique prefix of one)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.errors import InvalidRequest, ThreadNotFound
from core.protocol.ids import ThreadId


async def resolve_rollout(lha_home: Path, target: str | None, *, last: bool = False) -> Path:
    """The rollout named by a path or thread id, or the newest session with ``last``."""
    from core.rollout.listing import find_latest_thread_path, find_thread_path_by_id

    if last:
        path = await find_latest_thread_path(lha_home)
        if path is None:
            raise InvalidRequest("there is no past session to resume; start one with `lha exec`")
        return path
    if target is None:
        raise InvalidRequest("name a session: an id from `lha threads`, a rollout path, or --last")
    candidate = await asyncio.to_thread(_existing_file, target)
    if candidate is not None:
        return candidate
    if ThreadId.is_prefix(target):  # a whole id, or any unique beginning of one
        found = await find_thread_path_by_id(lha_home, target)
        if found is not None:
            return found
        raise ThreadNotFound(target)
    raise InvalidRequest(
        f"{target!r} is neither a rollout file nor a thread id; `lha threads` lists sessions"
    )


def _existing_file(target: str) -> Path | None:
    path = Path(target).expanduser()
    return path if path.is_file() else None
