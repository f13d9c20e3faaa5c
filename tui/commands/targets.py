"""Turning a user's ``ID | PATH | NAME | --last`` into a rollout file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.errors import InvalidRequest, ThreadNotFound
from core.protocol.ids import ThreadId


async def resolve_rollout(lha_home: Path, target: str | None, *, last: bool = False) -> Path:
    """The rollout named by a path, thread id or session name, or the newest with ``last``."""
    from core.rollout.listing import find_latest_thread_path, find_thread_path_by_id

    if last:
        path = await find_latest_thread_path(lha_home)
        if path is None:
            raise InvalidRequest("there is no past session to resume; start one with `lha exec`")
        return path
    if target is None:
        raise InvalidRequest(
            "name a session: an id from `lha threads`, a rollout path, a name, or --last"
        )
    candidate = await asyncio.to_thread(_existing_file, target)
    if candidate is not None:
        return candidate
    if ThreadId.is_valid(target):
        found = await find_thread_path_by_id(lha_home, ThreadId(target))
        if found is not None:
            return found
        raise ThreadNotFound(target)
    return await _resolve_named(lha_home, target)


async def _resolve_named(lha_home: Path, name: str) -> Path:
    from core.rollout.listing import find_thread_path_by_id
    from core.session_names import resolve_name

    thread_id = await asyncio.to_thread(resolve_name, lha_home, name)
    found = await find_thread_path_by_id(lha_home, thread_id) if thread_id else None
    if thread_id is not None and found is None:
        raise InvalidRequest(f"the session named {name!r} ({thread_id}) has no rollout any more")
    if found is None:
        raise InvalidRequest(
            f"{name!r} is not a rollout file, a thread id or a session name; "
            "`lha threads` lists sessions"
        )
    return found


def _existing_file(target: str) -> Path | None:
    path = Path(target).expanduser()
    return path if path.is_file() else None
