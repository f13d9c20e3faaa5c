"""One folder's shadow repository: snapshots as git trees, diffs between them, restoring files.

A snapshot is the tree ``git write-tree`` makes of the folder, built in the shadow repository's
own index. Only what changed since the last snapshot is hashed again (``ls-files`` lists the
modified, deleted and new files by their stat data), which is what keeps a snapshot of a large
folder with few changes fast. ``.gitignore`` files are honoured; files over ``max_file_bytes``
and nested repositories are left out, so they are never shown, undone or restored.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.fs import ensure_private_dir, open_private, write_private_file
from core.snapshots.git import GitFailed, ShadowGit, SnapshotUnavailable

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Files larger than this (build outputs, datasets) are not snapshotted."""

MAX_NEW_FILES = 100_000
MAX_NEW_BYTES = 2 * 1024**3
"""A folder with more new files or bytes than this to copy (a home folder, a huge cache) is
not snapshotted: the first copy alone would hold its turn up for minutes."""


class FolderTooLarge(SnapshotUnavailable):
    """The folder is too large to snapshot; turns there go on without snapshots."""


@dataclass(frozen=True)
class Change:
    """One path that differs between two snapshots: ``A``dded, ``D``eleted or ``M``odified."""

    status: str
    path: str


class ShadowRepo:
    """The shadow repository of ``root``, kept in ``home`` (a private folder under LHA_HOME)."""

    def __init__(
        self, git_binary: str, root: Path, home: Path, private: tuple[Path, ...] = ()
    ) -> None:
        self.root = root
        self.home = home
        self.private = private
        """Folders never snapshotted even inside ``root`` (LHA_HOME, with this very store)."""
        self.git = ShadowGit(binary=git_binary, git_dir=home / "git", work_tree=root)
        self.index_file = home / "index"

    # -- taking snapshots -----------------------------------------------------------------------

    def snapshot(self, max_file_bytes: int = MAX_FILE_BYTES) -> str:
        """The tree id of the folder as it is now (its ``.gitignore``s honoured)."""
        with self._locked():
            self._ensure_initialised()
            listed = self.git.run(
                "ls-files", "-z", "--others", "--modified", "--deleted", "--exclude-standard",
                index_file=self.index_file,
            )  # fmt: skip
            update, dropped = self._sort_changed(listed, max_file_bytes)
            self._refuse_huge(update)
            if not update and not dropped and (known := self._last_tree()) is not None:
                return known  # nothing changed since the last snapshot: one git call, not two
            if dropped:
                self._update_index(["--force-remove"], dropped)
            if update:
                self._update_index(["--add", "--remove", "--replace"], update)
            tree = self.git.run("write-tree", index_file=self.index_file).decode().strip()
            self._remember_tree(tree)
            return tree

    def _index_stamp(self) -> str:
        info = os.stat(self.index_file)
        return f"{info.st_mtime_ns} {info.st_size} {info.st_ino}"

    def _last_tree(self) -> str | None:
        """The tree written from the index as it is now, if the index has not changed since."""
        try:
            tree, stamp = (self.home / "tree").read_text(encoding="ascii").split(" ", 1)
            return tree if stamp == self._index_stamp() else None
        except (OSError, ValueError):
            return None

    def _remember_tree(self, tree: str) -> None:
        """Not fsynced: it is only a shortcut, and a torn copy never matches the index."""
        with contextlib.suppress(OSError):
            write_private_file(self.home / "tree", f"{tree} {self._index_stamp()}", sync=False)

    def _sort_changed(self, listed: bytes, max_file_bytes: int) -> tuple[list[bytes], list[bytes]]:
        """Changed paths to record, and those to drop from the index: too large, or behind a
        symlinked folder (git does not follow those)."""
        update: list[bytes] = []
        dropped: list[bytes] = []
        root = os.fsencode(self.root)
        symlinked: dict[bytes, bool] = {}
        for path in dict.fromkeys(listed.split(b"\0")):
            if not path or path.endswith(b"/"):  # a nested repository: not ours to copy
                continue
            if _behind_symlink(root, path, symlinked):
                dropped.append(path)
                continue
            try:
                info = os.lstat(os.path.join(root, path))
            except OSError:
                update.append(path)  # deleted: recorded as a removal
                continue
            if stat.S_ISDIR(info.st_mode) or info.st_size > max_file_bytes:
                dropped.append(path)  # a file that became a folder: its files are listed too
            else:
                update.append(path)
        return update, dropped

    def _refuse_huge(self, update: list[bytes]) -> None:
        if len(update) <= MAX_NEW_FILES // 10:  # the common case: no need to add sizes up
            return
        root = os.fsencode(self.root)
        total = 0
        for path in update:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, path)).st_size
        if len(update) > MAX_NEW_FILES or total > MAX_NEW_BYTES:
            raise FolderTooLarge(
                f"{self.root} is too large to snapshot ({len(update):,} files, "
                f"{total / 1e9:.1f} GB not ignored): its file changes cannot be undone; "
                "a .gitignore there can leave the bulk out"
            )

    def _update_index(self, options: list[str], paths: list[bytes]) -> None:
        self.git.run(
            "update-index", *options, "-z", "--stdin",
            index_file=self.index_file, stdin=b"\0".join(paths) + b"\0",
        )  # fmt: skip

    def _ensure_initialised(self) -> None:
        if not (self.git.git_dir / "HEAD").is_file():
            ensure_private_dir(self.home)
            self.git.run("init", "--quiet")
        rules = "".join(
            f"/{_escape_pattern(path.relative_to(self.root).as_posix())}/\n"
            for path in self.private
            if path.is_relative_to(self.root) and path != self.root
        )
        with contextlib.suppress(OSError, UnicodeDecodeError):  # the user's own ignore rules
            rules += (self.root / ".git" / "info" / "exclude").read_text(encoding="utf-8")
        exclude = self.git.git_dir / "info" / "exclude"
        with contextlib.suppress(OSError):
            if exclude.read_text(encoding="utf-8") == rules:
                return
        write_private_file(exclude, rules)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One snapshot or restore of this folder at a time, across threads and processes."""
        ensure_private_dir(self.home)
        fd = open_private(self.home / "lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    # -- reading them ---------------------------------------------------------------------------

    def keep(self, refs: dict[str, str]) -> None:
        """Point each ref at its tree, so that a gc of the shadow repository never drops them
        (one git call for all of them)."""
        lines = "".join(f"update {ref} {tree}\n" for ref, tree in refs.items())
        self.git.run("update-ref", "--stdin", stdin=lines.encode())

    def has_tree(self, tree: str) -> bool:
        """Whether the shadow repository still holds ``tree`` (a damaged store may not)."""
        try:
            self.git.run("cat-file", "-e", f"{tree}^{{tree}}")
        except GitFailed:
            return False
        return True

    def changes(self, old: str, new: str) -> list[Change]:
        """The paths that differ from tree ``old`` to tree ``new``."""
        if old == new:
            return []
        raw = self.git.run("diff-tree", "-r", "-z", "--no-renames", "--name-status", old, new)
        parts = raw.split(b"\0")
        return [
            Change(status=parts[i].decode()[:1], path=os.fsdecode(parts[i + 1]))
            for i in range(0, len(parts) - 1, 2)
        ]

    def unified_diff(self, old: str, new: str, *, prefix: str = "") -> str:
        """``git diff`` of two trees; ``prefix`` names the folder when it is not the workspace."""
        return self.git.run(
            "diff", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color",
            f"--src-prefix=a/{prefix}", f"--dst-prefix=b/{prefix}", old, new,
        ).decode("utf-8", "replace")  # fmt: skip

    # -- restoring ------------------------------------------------------------------------------

    def restore(self, tree: str, changes: list[Change]) -> list[str]:
        """Make each changed path as it is in ``tree``: written from it, or deleted when it is
        not there. Paths that would lead outside the folder (through a symlinked parent) are
        skipped and returned."""
        to_write = [c.path for c in changes if c.status != "A"]
        to_delete = [c.path for c in changes if c.status == "A"]
        skipped = [path for path in to_write + to_delete if not self._inside(path)]
        with self._locked():
            for path in to_delete:  # first: a file may go back where a folder was made
                if path not in skipped:
                    self._delete(path)
            self._write_from_tree(tree, [p for p in to_write if p not in skipped])
        return skipped

    def _inside(self, path: str) -> bool:
        root = self.root.resolve()
        return (self.root / path).parent.resolve().is_relative_to(root)

    def _write_from_tree(self, tree: str, paths: list[str]) -> None:
        if not paths:
            return
        scratch = self.home / "restore-index"
        try:
            self.git.run("read-tree", tree, index_file=scratch)
            for path in paths:
                self._clear_way(path)
            self.git.run(
                "checkout-index", "--force", "-z", "--stdin",
                index_file=scratch, stdin=b"\0".join(os.fsencode(p) for p in paths) + b"\0",
            )  # fmt: skip
        finally:
            with contextlib.suppress(OSError):
                scratch.unlink()

    def _clear_way(self, path: str) -> None:
        """A folder or symlink where a file goes back is removed first (only when empty)."""
        target = self.root / path
        if target.is_symlink():
            target.unlink()
        elif target.is_dir():
            with contextlib.suppress(OSError):
                target.rmdir()

    def _delete(self, path: str) -> None:
        target = self.root / path
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        parent = target.parent
        while parent != self.root and parent.is_relative_to(self.root):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def _behind_symlink(root: bytes, path: bytes, known: dict[bytes, bool]) -> bool:
    """Whether a parent folder of ``path`` (relative to ``root``) is a symlink."""
    parent = os.path.dirname(path)
    if not parent:
        return False
    if parent not in known:
        known[parent] = os.path.islink(os.path.join(root, parent)) or _behind_symlink(
            root, parent, known
        )
    return known[parent]


def _escape_pattern(path: str) -> str:
    """``path`` as a literal gitignore pattern."""
    return "".join("\\" + char if char in "\\*?[]!# " else char for char in path)
