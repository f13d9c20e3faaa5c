"""Parsing the ``apply_patch`` envelope (the Codex format) into file operations.

Parsing is strict about structure (headers, hunk lines) and lenient where models are sloppy in
harmless ways: surrounding blank lines, an empty line standing for an empty context line, a
first hunk without its ``@@``. Errors name the patch line so the model can fix the patch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BEGIN = "*** Begin Patch"
END = "*** End Patch"
ADD = "*** Add File: "
DELETE = "*** Delete File: "
UPDATE = "*** Update File: "
MOVE = "*** Move to: "
END_OF_FILE = "*** End of File"
_FILE_HEADERS = (ADD, DELETE, UPDATE)


class PatchError(ValueError):
    """The patch cannot be applied; the message says why, in a line or a short list."""


@dataclass(frozen=True)
class AddFile:
    path: str
    content: str


@dataclass(frozen=True)
class DeleteFile:
    path: str


@dataclass
class Hunk:
    """One ``@@`` section: ``old`` lines (context and removed) become ``new`` lines."""

    anchor: str | None
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    end_of_file: bool = False


@dataclass(frozen=True)
class UpdateFile:
    path: str
    move_to: str | None
    hunks: list[Hunk]


PatchOp = AddFile | DeleteFile | UpdateFile


def parse_patch(text: str) -> list[PatchOp]:
    lines = text.strip().splitlines()
    if not lines or lines[0].strip() != BEGIN:
        raise PatchError(f"the patch must start with `{BEGIN}`")
    if lines[-1].strip() != END:
        raise PatchError(f"the patch must end with `{END}`")
    body = lines[1:-1]
    ops: list[PatchOp] = []
    i = 0
    while i < len(body):
        line = body[i]
        number = i + 2
        if not line.strip():
            i += 1
        elif line.startswith(ADD):
            i, op = _parse_add(body, i)
            ops.append(op)
        elif line.startswith(DELETE):
            ops.append(DeleteFile(path=_path(line, DELETE, number)))
            i += 1
        elif line.startswith(UPDATE):
            i, update = _parse_update(body, i)
            ops.append(update)
        else:
            raise PatchError(
                f"patch line {number}: expected `*** Add File:`, `*** Update File:` or "
                f"`*** Delete File:`, got {line[:80]!r}"
            )
    if not ops:
        raise PatchError("the patch changes no file")
    return ops


def _path(line: str, header: str, number: int) -> str:
    path = line[len(header) :].strip()
    if not path:
        raise PatchError(f"patch line {number}: `{header.strip()}` needs a path")
    return path


def _is_header(line: str) -> bool:
    return line.startswith(_FILE_HEADERS)


def _parse_add(body: list[str], i: int) -> tuple[int, AddFile]:
    path = _path(body[i], ADD, i + 2)
    content: list[str] = []
    i += 1
    while i < len(body) and not _is_header(body[i]):
        line = body[i]
        if line.startswith("+"):
            content.append(line[1:])
        elif line.strip():
            raise PatchError(
                f"patch line {i + 2}: every line of an added file starts with `+` ({path})"
            )
        i += 1
    text = "\n".join(content) + "\n" if content else ""
    return i, AddFile(path=path, content=text)


def _parse_update(body: list[str], i: int) -> tuple[int, UpdateFile]:
    path = _path(body[i], UPDATE, i + 2)
    i += 1
    move_to: str | None = None
    if i < len(body) and body[i].startswith(MOVE):
        move_to = _path(body[i], MOVE, i + 2)
        i += 1
    hunks: list[Hunk] = []
    while i < len(body) and not _is_header(body[i]):
        line = body[i]
        if line.startswith("@@"):
            anchor = line[2:].strip()
            if anchor.endswith("@@"):
                anchor = anchor[:-2].strip()
            hunks.append(Hunk(anchor=anchor or None))
        elif line.strip() == END_OF_FILE:
            if not hunks:
                raise PatchError(f"patch line {i + 2}: `{END_OF_FILE}` outside a hunk ({path})")
            hunks[-1].end_of_file = True
        elif line == "" or line[0] in " -+":
            if not hunks:
                hunks.append(Hunk(anchor=None))
            _add_hunk_line(hunks[-1], line)
        else:
            raise PatchError(
                f"patch line {i + 2}: hunk lines start with ' ', '-' or '+', got {line[:80]!r} "
                f"({path})"
            )
        i += 1
    hunks = [h for h in hunks if h.old or h.new or h.anchor]
    if not hunks and move_to is None:
        raise PatchError(f"`*** Update File: {path}` has no hunk; add `@@` and the changed lines")
    for number, hunk in enumerate(hunks, start=1):
        if not hunk.old and not hunk.new:
            raise PatchError(f"hunk {number} of {path} is empty")
    return i, UpdateFile(path=path, move_to=move_to, hunks=hunks)


def _add_hunk_line(hunk: Hunk, line: str) -> None:
    marker, rest = (line[0], line[1:]) if line else (" ", "")
    if marker in " -":
        hunk.old.append(rest)
    if marker in " +":
        hunk.new.append(rest)
