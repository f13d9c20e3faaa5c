"""What ``lha resume`` / ``lha fork`` ask the app to open first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from core.protocol.history import InitialHistory


@dataclass(frozen=True)
class StartRequest:
    kind: Literal["resume", "fork"]
    path: Path
    fork_at: int | None = None
    """Fork before this user message (0-based); None: a copy of the whole thread."""
    history: InitialHistory | None = None
    """A resume's rollout, when the app already read it (to show it before the spawn)."""
