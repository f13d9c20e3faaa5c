"""Applying parsed patch operations: plan everything in memory, then write with rollback.

A patch is all-or-nothing. ``plan_patch`` reads the files and computes every new content first;
any hunk that does not match is collected (file, hunk number, the lines that were looked for) and
nothing is written. ``commit`` then writes each file through a temporary file and ``os.replace``;
if a write still fails (a folder in the way, a full disk), the files already written are put back
as they were.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.tools.patch_parser import AddFile, DeleteFile, Hunk, PatchError, PatchOp, UpdateFile
from core.tools.patch_paths import display_path, resolve_in_workspace

MAX_SHOWN_CONTEXT_LINES = 12


@dataclass(frozen=True)
class FileChange:
    path: Path
    content: str | None
    """The new text, or None to delete the file."""


@dataclass(frozen=True)
class PatchPlan:
    changes: list[FileChange]
    summary: list[str]
    """``A path`` / ``M path`` / ``M old -> new`` / ``D path`` lines, in patch order."""


def target_paths(
    ops: Sequence[PatchOp], workspace: Path, extra_roots: Sequence[Path] = ()
) -> list[Path]:
    """Every path the patch touches (checked to be inside the workspace or an extra root)."""
    paths: list[Path] = []
    for op in ops:
        paths.append(resolve_in_workspace(op.path, workspace, extra_roots))
        if isinstance(op, UpdateFile) and op.move_to:
            paths.append(resolve_in_workspace(op.move_to, workspace, extra_roots))
    return paths


def plan_patch(
    ops: Sequence[PatchOp], workspace: Path, extra_roots: Sequence[Path] = ()
) -> PatchPlan:
    """The changes the patch makes; ``PatchError`` listing every problem when it does not fit."""
    overlay: dict[Path, str | None] = {}
    summary: list[str] = []
    problems: list[str] = []

    def current(path: Path) -> str | None:
        if path in overlay:
            return overlay[path]
        if path.is_file():
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                shown = display_path(path, workspace)
                raise PatchError(f"{shown}: cannot read it ({err})") from None
        if path.exists():
            raise PatchError(f"{display_path(path, workspace)} is not a regular file")
        return None

    for op in ops:
        path = resolve_in_workspace(op.path, workspace, extra_roots)
        shown = display_path(path, workspace)
        if isinstance(op, AddFile):
            overlay[path] = op.content
            summary.append(f"A {shown}")
        elif isinstance(op, DeleteFile):
            if current(path) is None:
                problems.append(f"cannot delete {shown}: no such file")
                continue
            overlay[path] = None
            summary.append(f"D {shown}")
        else:
            text = current(path)
            if text is None:
                problems.append(f"cannot update {shown}: no such file")
                continue
            new_text, failures = apply_hunks(text, op.hunks, shown)
            if failures:
                problems.extend(failures)
                continue
            if op.move_to:
                destination = resolve_in_workspace(op.move_to, workspace, extra_roots)
                overlay[path] = None
                overlay[destination] = new_text
                summary.append(f"M {shown} -> {display_path(destination, workspace)}")
            else:
                overlay[path] = new_text
                summary.append(f"M {shown}")
    if problems:
        raise PatchError("the patch was not applied; no file was changed:\n" + "\n".join(problems))
    changes = [
        FileChange(path, content)
        for path, content in overlay.items()
        if content is not None or path.exists()
    ]
    return PatchPlan(changes=changes, summary=summary)


def apply_hunks(text: str, hunks: Sequence[Hunk], shown: str) -> tuple[str, list[str]]:
    """``text`` with the hunks applied in order, and a description of each hunk that failed."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    failures: list[str] = []
    edits: list[tuple[int, int, list[str]]] = []
    pos = 0
    for number, hunk in enumerate(hunks, start=1):
        if hunk.anchor is not None:
            found = _seek(lines, [hunk.anchor], pos, end_of_file=False)
            if found is None:
                failures.append(f"hunk {number} of {shown}: anchor line not found: {hunk.anchor!r}")
                continue
            pos = found + 1
        if not hunk.old:
            at = pos if hunk.anchor is not None else len(lines)
            edits.append((at, 0, hunk.new))
            continue
        old, new = hunk.old, hunk.new
        found = _seek(lines, old, pos, hunk.end_of_file)
        if found is None and old[-1] == "":
            old = old[:-1]
            new = new[:-1] if new and new[-1] == "" else new
            found = _seek(lines, old, pos, hunk.end_of_file) if old else None
        if found is None:
            failures.append(_describe_failure(number, shown, hunk))
            continue
        edits.append((found, len(old), new))
        pos = found + len(old)
    for start, length, new_lines in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start : start + length] = new_lines
    return ("\n".join(lines) + "\n" if lines else ""), failures


def _describe_failure(number: int, shown: str, hunk: Hunk) -> str:
    expected = hunk.old[:MAX_SHOWN_CONTEXT_LINES]
    more = len(hunk.old) - len(expected)
    body = "\n".join(f"    |{line}" for line in expected)
    if more > 0:
        body += f"\n    (... {more} more lines)"
    return f"hunk {number} of {shown}: these lines were not found in the file:\n{body}"


_NORMALIZERS: tuple[Callable[[str], str], ...] = (
    lambda s: s,
    lambda s: s.rstrip(),
    lambda s: s.strip(),
)


def _seek(lines: list[str], pattern: list[str], start: int, end_of_file: bool) -> int | None:
    """Where ``pattern`` occurs at or after ``start``: exact match first, then ignoring
    trailing, then surrounding whitespace (models often get indentation of blank lines wrong)."""
    n = len(pattern)
    last = len(lines) - n
    if last < start:
        return None
    for norm in _NORMALIZERS:
        wanted = [norm(p) for p in pattern]
        candidates = [last] if end_of_file else []
        candidates += range(start, last + 1)
        for i in candidates:
            if all(norm(lines[i + k]) == wanted[k] for k in range(n)):
                return i
    return None


def commit(plan: PatchPlan) -> None:
    """Write the planned changes; on failure restore what was written and raise ``PatchError``."""
    undo: list[tuple[Path, bytes | None, int | None]] = []
    created_dirs: list[Path] = []
    for change in plan.changes:
        path = change.path
        try:
            before = path.read_bytes() if path.is_file() else None
            mode = path.stat().st_mode & 0o7777 if before is not None else None
            undo.append((path, before, mode))
            if change.content is None:
                path.unlink(missing_ok=True)
            else:
                _make_parents(path.parent, created_dirs)
                _write_atomically(path, change.content.encode("utf-8"), mode)
        except OSError as err:
            _rollback(undo, created_dirs)
            reason = err.strerror or str(err)
            raise PatchError(
                f"could not write {path} ({reason}); the patch was not applied, no file was changed"
            ) from None


def _make_parents(folder: Path, created: list[Path]) -> None:
    """Create the missing folders above a new file, noting each so a rollback can remove it."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for part in reversed(missing):
        part.mkdir()
        created.append(part)


def _write_atomically(path: Path, data: bytes, mode: int | None) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".lha-patch", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _rollback(undo: list[tuple[Path, bytes | None, int | None]], created: list[Path]) -> None:
    for path, before, mode in reversed(undo):
        with contextlib.suppress(OSError):
            if before is None:
                path.unlink(missing_ok=True)
            else:
                _write_atomically(path, before, mode)
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()
