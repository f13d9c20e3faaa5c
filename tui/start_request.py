"""What ``lha resume`` / ``lha fork`` ask the app to open first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class StartRequest:
    kind: Literal["resume", "fork"]
    path: Path
    fork_at: int = 0
