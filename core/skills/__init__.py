"""Skills: SKILL.md instructions found in the repo (``.lha/skills``) and in LHA_HOME/skills.

Names are loaded on first use (PEP 562): a thread's start looks for skills through the manager,
and the renderer (its patterns) and the front-matter reader load only once there is a skill."""

from typing import TYPE_CHECKING

from core._lazy import lazy_getattr

if TYPE_CHECKING:
    from core.skills.loader import load_skills, parse_skill_file, repo_skill_roots
    from core.skills.manager import SkillsManager
    from core.skills.model import SkillError, SkillLoadOutcome, SkillMetadata, SkillScope
    from core.skills.render import (
        SkillReadError,
        find_mentioned_skills,
        render_skills_section,
        skill_injection_text,
    )

_EXPORTS: dict[str, str] = {
    "SkillError": "core.skills.model",
    "SkillLoadOutcome": "core.skills.model",
    "SkillMetadata": "core.skills.model",
    "SkillReadError": "core.skills.render",
    "SkillScope": "core.skills.model",
    "SkillsManager": "core.skills.manager",
    "find_mentioned_skills": "core.skills.render",
    "load_skills": "core.skills.loader",
    "parse_skill_file": "core.skills.loader",
    "render_skills_section": "core.skills.render",
    "repo_skill_roots": "core.skills.loader",
    "skill_injection_text": "core.skills.render",
}

__all__ = [
    "SkillError",
    "SkillLoadOutcome",
    "SkillMetadata",
    "SkillReadError",
    "SkillScope",
    "SkillsManager",
    "find_mentioned_skills",
    "load_skills",
    "parse_skill_file",
    "render_skills_section",
    "repo_skill_roots",
    "skill_injection_text",
]

__getattr__ = lazy_getattr(__name__, _EXPORTS)
