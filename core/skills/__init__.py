"""Skills: SKILL.md instructions found in the repo (``.lha/skills``) and in LHA_HOME/skills."""

from core.skills.loader import load_skills, parse_skill_file, repo_skill_roots
from core.skills.manager import SkillsManager
from core.skills.model import SkillError, SkillLoadOutcome, SkillMetadata, SkillScope
from core.skills.render import (
    SkillReadError,
    find_mentioned_skills,
    render_skills_section,
    skill_injection_text,
)

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
