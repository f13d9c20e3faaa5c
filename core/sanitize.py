"""Showing untrusted text safely: terminal control sequences become visible, inert text.

The one home for this: every channel that reaches a terminal (the UI's widgets, ``lha``'s
stdout, its ``lha: ...`` errors and logged warnings on stderr) passes text through here.

A model, a server's model ids, a command's output or a file name can contain ``ESC [2J`` or an
OSC 52 clipboard write; printed raw they would clear the screen, retitle the window or write the
clipboard. Newlines and tabs are kept by ``neutralize_terminal_escapes``; every other C0/C1
control character is shown as its Unicode control picture (ESC → ␛). ``terminal_line`` also
shows newlines that way, for messages that must stay one line.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\ud800-\udfff]")
"""Control characters, and lone surrogates (from JSON ``"\\ud800"`` or an undecodable file
name): a terminal cannot be sent those at all, printing one would raise."""
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\x80-\x9f\u2028\u2029\ud800-\udfff]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def neutralize_terminal_escapes(text: str) -> str:
    """``text`` with control characters (but ``\\n`` and ``\\t``) made visible and harmless."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_picture, text)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def encodable_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so it can be encoded as UTF-8.

    A prompt can hold them (pasted from a broken source, or read with ``surrogateescape``);
    left in, the request to the provider and the rollout line both fail to encode.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def count_undecodable(text: str) -> int:
    """How many characters of ``text`` stand for bytes that were not valid UTF-8.

    Python keeps such bytes in a ``str`` as lone surrogates (``surrogateescape``, used for the
    command line and file names): they cannot be encoded, sent or recorded."""
    return len(_SURROGATE.findall(text))


def terminal_line(text: str) -> str:
    """``text`` as one harmless line: newlines too become visible (␊), tabs become spaces."""
    if not _LINE_BREAKING.search(text):
        return text
    return _LINE_BREAKING.sub(_picture, text.replace("\t", " "))
