"""Find SKILL.md files: repo ``.lha/skills`` folders from cwd up to the git root, then
``LHA_HOME/skills``. The first skill of a name wins, so a repo can shadow a user skill.

Hidden entries (a leading ``.``) and symlinks are skipped: a symlink could point anywhere (or
loop), and hidden folders are where tools keep their own state.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from core.fs import MiB, read_regular_text
from core.skills.model import SkillError, SkillLoadOutcome, SkillMetadata, SkillScope

SKILL_FILE = "SKILL.md"
MAX_NAME_LEN = 64
MAX_DESCRIPTION_LEN = 1024
MAX_SHORT_DESCRIPTION_LEN = 500
MAX_DEPTH = 6
SKILL_MAX_BYTES = MiB
SHORT_DESCRIPTION_KEYS = ("short-description", "shortDescription", "short_description")


def repo_skill_roots(cwd: Path) -> list[Path]:
    """``<dir>/.lha/skills`` for each dir from ``cwd`` up to the git root (nearest first);
    outside a git repository only ``cwd/.lha/skills``."""
    start = cwd.resolve()
    chain = [start, *start.parents]
    git_root = next((d for d in chain if (d / ".git").exists()), None)
    dirs = chain[: chain.index(git_root) + 1] if git_root is not None else [start]
    return [d / ".lha" / "skills" for d in dirs if (d / ".lha" / "skills").is_dir()]


def skill_roots(cwd: Path, lha_home: Path) -> list[tuple[Path, SkillScope]]:
    roots = [(root, SkillScope.REPO) for root in repo_skill_roots(cwd)]
    user = lha_home / "skills"
    if user.is_dir():
        roots.append((user, SkillScope.USER))
    return roots


def _skill_files(root: Path) -> Iterable[Path]:
    """Breadth-first SKILL.md files under ``root``, skipping hidden entries and symlinks."""
    queue: deque[tuple[Path, int]] = deque([(root, 0)])
    while queue:
        folder, depth = queue.popleft()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH:
                    queue.append((Path(entry.path), depth + 1))
            elif entry.name == SKILL_FILE and entry.is_file(follow_symlinks=False):
                yield Path(entry.path)


def parse_skill_file(path: Path, scope: SkillScope) -> SkillMetadata:
    """Read one SKILL.md; raise ``ValueError`` with a short reason when it is not usable."""
    try:
        text = read_regular_text(path, max_bytes=SKILL_MAX_BYTES)
    except OSError as err:
        raise ValueError(f"cannot read: {err}") from None
    from core.skills.frontmatter import FrontMatterError, parse_front_matter  # a skill exists

    try:
        front = parse_front_matter(text)
    except FrontMatterError as err:
        raise ValueError(str(err)) from None
    name = front.fields.get("name", "")
    description = front.fields.get("description", "")
    metadata = front.nested.get("metadata", {})
    short = next((metadata[k] for k in SHORT_DESCRIPTION_KEYS if metadata.get(k)), None)
    if not name:
        raise ValueError("missing field `name`")
    if not description:
        raise ValueError("missing field `description`")
    for label, value, limit in (
        ("name", name, MAX_NAME_LEN),
        ("description", description, MAX_DESCRIPTION_LEN),
        ("metadata.short-description", short or "", MAX_SHORT_DESCRIPTION_LEN),
    ):
        if len(value) > limit:
            raise ValueError(f"`{label}` is {len(value)} characters; the limit is {limit}")
    return SkillMetadata(
        name=name,
        description=description,
        path=path.resolve(),
        scope=scope,
        short_description=short,
    )


def load_skills(cwd: Path, lha_home: Path) -> SkillLoadOutcome:
    """Every skill visible from ``cwd``; problems are collected in ``errors``, never raised."""
    outcome = SkillLoadOutcome()
    seen: set[str] = set()
    for root, scope in skill_roots(cwd, lha_home):
        for path in _skill_files(root):
            try:
                skill = parse_skill_file(path, scope)
            except ValueError as err:
                outcome.errors.append(SkillError(path=path, message=str(err)))
                continue
            if skill.name in seen:
                continue
            seen.add(skill.name)
            outcome.skills.append(skill)
    outcome.skills.sort(key=lambda s: (s.name, str(s.path)))
    return outcome
