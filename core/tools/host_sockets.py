"""The host's listening Unix sockets that have a path: what a sandboxed command must not reach.

A Unix socket on a read-only mount still accepts connections (only writes to files are refused),
so seeing the file system read-only is not enough: ``docker.sock`` or an agent's socket under the
home folder would answer. The kernel lists every bound socket of lha's network namespace in
``/proc/net/unix``; the sandbox covers each one that is visible to the command with ``/dev/null``
(connecting then fails with "Connection refused"). A socket bound after the command started, or
bound with a relative path, is not listed here; the private /tmp, /var/tmp, /run and /dev/shm
still hide the usual places for both.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PROC_NET_UNIX = Path("/proc/net/unix")
MAX_SOCKETS = 512
"""A bound on the mounts added per command; a host rarely lists more outside /run and /tmp."""
_PATH_FIELD = 7


def listening_socket_paths(table: Path = PROC_NET_UNIX) -> list[Path]:
    """The real paths of bound file-system sockets that exist now (abstract ones left out)."""
    try:
        lines = table.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    except OSError:
        return []
    found: dict[Path, None] = {}
    for line in lines:
        fields = line.split(maxsplit=_PATH_FIELD)
        if len(fields) <= _PATH_FIELD or not fields[_PATH_FIELD].startswith("/"):
            continue
        path = Path(os.path.realpath(fields[_PATH_FIELD]))
        if _is_socket(path):
            found[path] = None
    return list(found)


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False
