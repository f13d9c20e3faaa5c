"""A deliberately tiny reader for SKILL.md front matter (no YAML dependency).

Supported, which is what skills use in practice: a first line ``---``, then ``key: value`` lines
until the closing ``---``; values optionally quoted; ``>`` / ``|`` block scalars (folded to one
line); ``#`` comments; and one nested level (``metadata:`` followed by indented ``key: value``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.text import one_line

DELIMITER = "---"
_LINE = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z0-9_.-]+)\s*:(?:\s+(?P<value>.*))?$")


class FrontMatterError(ValueError):
    """The front matter is missing or not the simple YAML this reader accepts."""


@dataclass
class FrontMatter:
    fields: dict[str, str] = field(default_factory=dict)
    nested: dict[str, dict[str, str]] = field(default_factory=dict)
    body: str = ""


def _scalar(raw: str) -> str:
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    elif " #" in value:
        value = value.split(" #", 1)[0]
    return one_line(value)


def parse_front_matter(text: str) -> FrontMatter:
    """Split ``text`` into front-matter fields and the body after the closing ``---``."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != DELIMITER:
        raise FrontMatterError("missing YAML front matter delimited by ---")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == DELIMITER)
    except StopIteration:
        raise FrontMatterError("missing YAML front matter delimited by ---") from None
    if end == 1:
        raise FrontMatterError("empty YAML front matter")
    result = FrontMatter(body="\n".join(lines[end + 1 :]).strip("\n"))
    table: dict[str, str] | None = None  # the nested mapping being filled, if any
    block: tuple[dict[str, str], str] | None = None  # a block scalar being collected
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indented = line[:1].isspace()
        if block is not None and indented:
            target, key = block
            target[key] = one_line(f"{target[key]} {line.strip()}")
            continue
        block = None
        match = _LINE.match(line)
        if match is None:
            raise FrontMatterError(f"line {number}: expected `key: value`")
        key, value = match.group("key"), match.group("value")
        if indented:
            if table is None:
                raise FrontMatterError(f"line {number}: unexpected indentation")
            target = table
        else:
            table = None
            target = result.fields
        if value is None or not value.strip():
            if indented:
                raise FrontMatterError(f"line {number}: only one level of nesting is supported")
            table = result.nested.setdefault(key, {})
            continue
        if value.strip() in (">", "|", ">-", "|-", ">+", "|+"):
            target[key] = ""
            block = (target, key)
            continue
        target[key] = _scalar(value)
    return result
