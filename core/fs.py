"""Reading files lha did not necessarily write: only regular files, and never without a limit.

A config.toml, auth.json or rollout can be anything a user (or a prank) put at that path: a
FIFO, which blocks the first ``open`` until someone writes to it; a symlink to ``/dev/zero``,
which never ends; a folder; a file we may not read; a name too long for the system. Every reader
goes through ``open_regular_file`` or ``read_regular_file``: the path is opened non-blocking
(so a FIFO cannot stall us), must be a regular file once open (``fstat``, so nothing can be
swapped in between a check and the open) and is read up to a byte limit. A missing file stays a
``FileNotFoundError`` (callers often treat it as "not set up yet"); every other problem is an
``UnreadableFileError`` whose ``reason`` is a short phrase to put after the path.

Writing files under LHA_HOME, which may hold keys and private conversations: folders are made
0700 (missing parents too: ``mkdir(parents=True)`` would make them by the umask) and files are
created 0600, so nothing is readable by others, not even for an instant. There is one way to
replace a file, ``write_private_file`` (atomic: a crash mid-write never leaves a half file that
a later start would misread), and one way to add to one, ``open_private_append`` /
``append_private_file`` (rollouts, the composer's history, logs). ``open_private`` is what both
stand on, for the few callers that need other flags (lock files, exclusive leases).
"""

from __future__ import annotations

import errno
import os
import stat

from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

MiB = 1024 * 1024
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

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
        from pathlib import Path  # not at the top: ``lha search`` reads files without pathlib

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


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents with mode 0700; existing folders are left as they
    are. Something other than a folder in the way is a ``FileExistsError``."""
    from pathlib import Path

    missing: list[Path] = []
    folder = Path(path)
    while not folder.is_dir() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for new_folder in reversed(missing):
        try:
            os.mkdir(new_folder, PRIVATE_DIR_MODE)
        except FileExistsError:
            if not new_folder.is_dir():
                raise
    return path


def open_private(path: Path, flags: int) -> int:
    """``os.open`` with ``O_CREAT``: a new file is 0600 from its creation. The folder must exist."""
    return os.open(path, flags | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE_MODE)


def open_private_append(path: Path) -> int:
    """A descriptor appending to ``path`` (created 0600 if missing; the folder must exist)."""
    return open_private(path, os.O_WRONLY | os.O_APPEND)


def append_private_file(path: Path, data: bytes) -> None:
    """Append ``data`` to ``path`` in one write, creating the file 0600 and its folders 0700."""
    ensure_private_dir(path.parent)
    fd = open_private_append(path)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def write_private_file(path: Path, data: str | bytes, *, sync: bool = True) -> None:
    """Atomically replace ``path`` with ``data`` (str as UTF-8), mode 0600, folders 0700.

    The content goes to a temporary file (0600 from its creation) beside ``path``, is synced
    unless ``sync=False`` (a cache that is only a shortcut), and is renamed over ``path``.
    """
    ensure_private_dir(path.parent)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    import tempfile  # only when writing: keeps importing this module cheap at start-up

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        write_all(fd, raw)
        if sync:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp_name, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:  # noqa: SIM105 (``lha search`` loads this module, not contextlib)
            os.unlink(tmp_name)
        except OSError:
            pass
        raise


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a write may be short on some filesystems)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
