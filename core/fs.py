"""Reading files lha did not necessarily write: only regular files, and never without a limit.

A config.toml, auth.json or rollout can be anything a user (or a prank) put at that path: a
FIFO, which blocks the first ``open`` until someone writes to it; a symlink to ``/dev/zero``,
which never ends; a folder; a file we may not read; a name too long for the system. Every reader
goes through ``open_regular_file`` or ``read_regular_file``: the path is opened non-blocking
(so a FIFO cannot stall us), must be a regular file once open (``fstat``, so nothing can be
swapped in between a check and the open) and is read up to a byte limit. A missing file stays a
``FileNotFoundError`` (callers often treat it as "not set up yet"); every other problem is an
``UnreadableFileError`` whose ``reason`` is a short phrase to put after the path.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

MiB = 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISFIFO, "is a FIFO (named pipe), not a regular file"),
    (stat.S_ISCHR, "is a device, not a regular file"),
    (stat.S_ISBLK, "is a device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)
_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ELOOP: "too many levels of symbolic links",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder, not a file",
}


class UnreadableFileError(OSError):
    """``path`` exists (or cannot even be looked up) but is not a regular file lha can read."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _not_regular_reason(mode: int) -> str:
    return next((reason for test, reason in _KINDS if test(mode)), "is not a regular file")


def _unreadable(path: Path | str, err: OSError) -> UnreadableFileError:
    reason = _REASONS.get(err.errno or 0) or (err.strerror or str(err)).lower()
    return UnreadableFileError(path, reason)


def open_regular_file(path: Path | str) -> BinaryIO:
    """``path`` opened for binary reading, checked to be a regular file (see the module doc).

    Raises ``FileNotFoundError`` when nothing is there, else ``UnreadableFileError``.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as err:
        raise _unreadable(path, err) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFileError(path, _not_regular_reason(mode))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular_file(path: Path | str, *, max_bytes: int) -> bytes:
    """The whole content of the regular file ``path``, refused when it exceeds ``max_bytes``."""
    with open_regular_file(path) as file:
        # The size first: a sparse terabyte file is refused without reading (or allocating)
        # anything; the length check after the read catches a file that grew meanwhile.
        too_large = UnreadableFileError(path, f"is larger than {_size(max_bytes)}, too large")
        if os.fstat(file.fileno()).st_size > max_bytes:
            raise too_large
        try:
            data = file.read()
        except OSError as err:
            raise _unreadable(path, err) from None
    if len(data) > max_bytes:
        raise too_large
    return data


def read_regular_text(path: Path | str, *, max_bytes: int) -> str:
    """``read_regular_file`` decoded as UTF-8; bad UTF-8 is an ``UnreadableFileError`` too."""
    data = read_regular_file(path, max_bytes=max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnreadableFileError(path, f"is not UTF-8 text (byte {err.start})") from None


def _size(n: int) -> str:
    return f"{n // MiB} MiB" if n >= MiB and n % MiB == 0 else f"{n:,} bytes"
