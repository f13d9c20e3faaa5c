"""Skills in the model's context: the list in the initial context, and a mentioned skill's body
injected as a ``<skill>`` session-prefix message before the turn."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.errors import LhaError
from core.fs import read_regular_text
from core.skills.loader import SKILL_MAX_BYTES
from core.skills.model import SkillMetadata

_MENTION = re.compile(r"(?<![\w$])\$([A-Za-z0-9][A-Za-z0-9_.:-]*)")


class SkillReadError(LhaError):
    """A mentioned skill's file could not be read; the turn goes on with a warning."""


def render_skills_section(skills: Sequence[SkillMetadata]) -> str:
    """The ``## Skills`` section for the initial context; empty when there are no skills."""
    if not skills:
        return ""
    lines = [
        "## Skills",
        "A skill is a set of local instructions stored in a SKILL.md file. "
        "These skills are available in this session:",
    ]
    lines += [f"- {s.name}: {s.description} (file: {s.path})" for s in skills]
    lines += [
        "",
        "How to use skills:",
        "- When the user names a skill (`$name` or in plain words), or the task clearly matches "
        "a skill's description, open its SKILL.md and follow it for that turn.",
        "- Read only as much of a skill as the task needs; resolve relative paths in it against "
        "the skill's folder.",
        "- If a skill cannot be read or does not apply, say so briefly and carry on.",
    ]
    return "\n".join(lines)


def find_mentioned_skills(text: str, skills: Sequence[SkillMetadata]) -> list[SkillMetadata]:
    """Skills named as ``$skill-name`` in ``text``, in order of first mention, no repeats.

    Exact names first; a case-insensitive match counts only when it is unambiguous. Tokens that
    name no skill (``$HOME``, ``$5``) are ignored.
    """
    by_name = {s.name: s for s in skills}
    by_folded: dict[str, list[SkillMetadata]] = {}
    for each in skills:
        by_folded.setdefault(each.name.casefold(), []).append(each)
    found: list[SkillMetadata] = []
    for match in _MENTION.finditer(text):
        token = match.group(1)
        for candidate in (token, token.rstrip(".:")):
            folded = by_folded.get(candidate.casefold(), [])
            hit = by_name.get(candidate) or (folded[0] if len(folded) == 1 else None)
            if hit is not None:
                if hit not in found:
                    found.append(hit)
                break
    return found


def skill_injection_text(skill: SkillMetadata) -> str:
    """``<skill><name/><path/>body</skill>`` for a mentioned skill (its SKILL.md body, without
    the front matter). Raises ``SkillReadError`` when the file cannot be read."""
    try:
        text = read_regular_text(skill.path, max_bytes=SKILL_MAX_BYTES)
    except OSError as err:
        raise SkillReadError(f"cannot read skill {skill.name} at {skill.path}: {err}") from None
    from core.skills.frontmatter import FrontMatterError, parse_front_matter  # one was named

    try:
        body = parse_front_matter(text).body.strip()
    except FrontMatterError:
        body = text.strip()
    return f"<skill>\n<name>{skill.name}</name>\n<path>{skill.path}</path>\n{body}\n</skill>"
