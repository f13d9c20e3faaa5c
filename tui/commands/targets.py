"""Turning a user's ``ID | PATH | NAME | --last`` into a rollout file (ID: any unique prefix of
one; NAME: a session name, exact first, then a unique prefix).

An ID is looked up among the listed sessions; commands that act on archived ones too (export,
unarchive, delete) say where to look with ``archived``.
"""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Sequence
from pathlib import Path

from core.errors import InvalidRequest, ThreadNotFound
from core.protocol.ids import ThreadId
from core.text import shorten


async def resolve_rollout(
    lha_home: Path,
    target: str | None,
    *,
    last: bool = False,
    archived: tuple[bool, ...] = (False,),
    extra_roots: Sequence[Path] = (),
) -> Path:
    """The rollout named by a path, thread id or session name, or the newest with ``last``. An id
    is looked for among the listed sessions (False) and/or the archived ones (True), in the
    order ``archived`` gives; found only on the other side, the error says so. Ids and ``last``
    also look in ``extra_roots`` (the Codex CLI's sessions)."""
    if last and target is not None:
        raise InvalidRequest(
            f"--last and {_shown(target)} exclude each other; "
            "give either --last or an ID, PATH or NAME"
        )
    if last:
        from core.rollout.listing import find_latest_thread_path

        path = await find_latest_thread_path(lha_home, extra_roots=extra_roots)
        if path is None:
            raise InvalidRequest("there is no past session yet; start one with `lha` or `lha exec`")
        return path
    if target is None:
        raise InvalidRequest(
            "name a session: an id from `lha threads`, a rollout path, a name, or --last"
        )
    candidate = await asyncio.to_thread(_existing_file, target)
    if candidate is not None:
        return candidate
    if ThreadId.is_prefix(target):  # a whole id, or any unique beginning of one
        try:
            return await asyncio.to_thread(_find_by_id, lha_home, target, archived, extra_roots)
        except ThreadNotFound:
            if ThreadId.is_valid(target):
                raise
    # "cafe" may be a name as well as the start of an id
    return await _resolve_named(lha_home, target, archived)


async def _resolve_named(lha_home: Path, name: str, archived: tuple[bool, ...]) -> Path:
    from core.session_names import resolve_name

    thread_id = await asyncio.to_thread(resolve_name, lha_home, name)
    if thread_id is not None:
        try:
            return await asyncio.to_thread(_find_by_id, lha_home, thread_id, archived)
        except ThreadNotFound:
            raise InvalidRequest(
                f"the session named {_shown(name)} ({thread_id}) has no rollout any more"
            ) from None
    if ThreadId.is_prefix(name):
        raise InvalidRequest(
            f"no thread with id {name}, nor a session named so; `lha threads` lists the known ones"
        )
    raise InvalidRequest(
        f"{_shown(name)} is not a rollout file, a thread id or a session name; "
        "`lha threads` lists sessions"
    )


def _find_by_id(
    lha_home: Path, target: str, archived: tuple[bool, ...], extra_roots: Sequence[Path] = ()
) -> Path:
    from core.rollout.listing import find_thread_path_by_id_sync

    for in_archive in archived:
        roots = () if in_archive else extra_roots
        found = find_thread_path_by_id_sync(lha_home, target, roots, archived=in_archive)
        if found is not None:
            return found
    if len(archived) == 1 and find_thread_path_by_id_sync(
        lha_home, target, archived=not archived[0]
    ):
        if archived[0]:
            raise InvalidRequest(f"session {target} is not archived")
        raise InvalidRequest(
            f"session {target} is archived; `lha unarchive {target}` brings it back"
        )
    raise ThreadNotFound(target)


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
    return repr(shorten(target, limit))
