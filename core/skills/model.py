"""What a discovered skill is, and what loading a set of skills produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class SkillScope(StrEnum):
    REPO = "repo"
    USER = "user"


@dataclass(frozen=True)
class SkillMetadata:
    """One usable skill: what its SKILL.md front matter says, and where the file is."""

    name: str
    description: str
    path: Path
    """The SKILL.md file, resolved."""
    scope: SkillScope
    short_description: str | None = None


@dataclass(frozen=True)
class SkillError:
    """A SKILL.md that could not be used, and why."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class SkillLoadOutcome:
    """Skills found (sorted by name, then path) and the problems met; loading never raises."""

    skills: list[SkillMetadata] = field(default_factory=list)
    errors: list[SkillError] = field(default_factory=list)
