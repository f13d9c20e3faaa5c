"""When a tool's output is long enough to fold, and how it is summed up while folded."""

from __future__ import annotations

FOLD_LINES = 20
FOLD_CHARS = 2000


def is_long(text: str) -> bool:
    """Output a reader scrolls past rather than reads: shown folded (open on a click)."""
    return len(text) > FOLD_CHARS or text.count("\n") >= FOLD_LINES


def output_summary(text: str, success: bool | None) -> str:
    """``output (120 lines)``, or ``failed: output (3 lines)`` when the tool reported failure."""
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    label = f"output ({lines} line{'' if lines == 1 else 's'})"
    return f"failed: {label}" if success is False else label
