"""Showing model and tool text safely: terminal control sequences become visible, inert text.

A model or a command's output can contain ``ESC [2J`` or an OSC 52 clipboard write; printed raw
they would clear the screen or worse. Newlines and tabs are kept; every other C0/C1 control
character is shown as its Unicode control picture (ESC → ␛).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}"


def neutralize_terminal_escapes(text: str) -> str:
    """``text`` with control characters (but ``\\n`` and ``\\t``) made visible and harmless."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_picture, text)
