"""SkillsManager: the skills visible from each working directory, cached until reloaded."""

from __future__ import annotations

import threading
from pathlib import Path

from core.skills.loader import load_skills
from core.skills.model import SkillLoadOutcome


class SkillsManager:
    """Caches one ``SkillLoadOutcome`` per cwd. ``clear_cache`` (or ``force_reload``) makes the
    next call read the disk again, e.g. after the user added a skill."""

    def __init__(self, lha_home: Path) -> None:
        self._lha_home = lha_home
        self._cache: dict[Path, SkillLoadOutcome] = {}
        self._lock = threading.Lock()

    @property
    def lha_home(self) -> Path:
        return self._lha_home

    def skills_for_cwd(self, cwd: Path, force_reload: bool = False) -> SkillLoadOutcome:
        key = cwd.resolve()
        with self._lock:
            cached = None if force_reload else self._cache.get(key)
        if cached is not None:
            return cached
        outcome = load_skills(key, self._lha_home)
        with self._lock:
            self._cache[key] = outcome
        return outcome

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()
