"""What the ``lha`` commands print, always through the one terminal sanitizer.

Model ids from a server, file names, config keys and error messages can hold terminal escapes
(an OSC 52 clipboard write, a title change): every line a command prints goes through
``core.sanitize`` here, and so do the warnings the engine logs, via ``install_warning_handler``.
"""

from __future__ import annotations

import logging
import sys

from core.sanitize import neutralize_terminal_escapes, terminal_line

_HANDLER_NAME = "lha-terminal-warnings"


def say(text: str) -> None:
    """One result line on stdout (escapes made visible, line breaks kept)."""
    print(neutralize_terminal_escapes(text))


def note(message: str) -> None:
    """A one-line remark on stderr (what a command did, for a person watching)."""
    print(terminal_line(message), file=sys.stderr)


def warn(message: str) -> None:
    """``warning: ...`` as one line on stderr."""
    print(terminal_line(f"warning: {message}"), file=sys.stderr)


def error_line(message: str) -> None:
    """``lha: ...`` as one line on stderr: how every failure of a command ends."""
    print(terminal_line(f"lha: {message}"), file=sys.stderr)


class _WarningHandler(logging.Handler):
    """Logged warnings as ``warning: ...`` lines on the stderr of the moment (the UI redirects
    it while it runs), each one line and sanitized."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            warn(record.getMessage())
        except Exception:
            self.handleError(record)


def install_warning_handler() -> None:
    """Route the ``lha.*`` loggers' warnings through ``warn`` (idempotent). Without a handler,
    Python's last-resort one printed them raw, escapes, newlines and all."""
    logger = logging.getLogger("lha")
    if any(handler.get_name() == _HANDLER_NAME for handler in logger.handlers):
        return
    handler = _WarningHandler(logging.WARNING)
    handler.set_name(_HANDLER_NAME)
    logger.addHandler(handler)
