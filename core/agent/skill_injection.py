"""Skills in a thread: their list in the initial context, and ``$name`` mentions as messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from core.protocol.items import TranscriptItem, user_message

if TYPE_CHECKING:
    from core.skills import SkillMetadata


def skills_section_for(skills: Sequence[SkillMetadata]) -> str | None:
    """The ``## Skills`` text for the developer message, or None when there are no skills."""
    if not skills:
        return None
    from core.skills import render_skills_section

    return render_skills_section(list(skills))


def make_skill_injector(
    skills: Sequence[SkillMetadata],
) -> Callable[[str], list[TranscriptItem]] | None:
    """A function turning the user's text into ``<skill>`` messages for each ``$name`` in it."""
    if not skills:
        return None
    from core.skills import find_mentioned_skills, skill_injection_text

    known = list(skills)

    def inject(text: str) -> list[TranscriptItem]:
        return [
            user_message(skill_injection_text(skill))
            for skill in find_mentioned_skills(text, known)
        ]

    return inject
