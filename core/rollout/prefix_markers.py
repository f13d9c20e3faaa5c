"""The markers of session-prefix messages, and the text test, without the protocol models.

Kept apart from ``session_prefix`` so that a fast command (``lha search``) can tell injected
context from what the user typed without importing pydantic.
"""

from __future__ import annotations

ENVIRONMENT_CONTEXT_OPEN = "<environment_context>"
ENVIRONMENT_CONTEXT_CLOSE = "</environment_context>"
USER_INSTRUCTIONS_OPEN = "<user_instructions>"
USER_INSTRUCTIONS_CLOSE = "</user_instructions>"
TURN_ABORTED_OPEN = "<turn_aborted>"
TURN_ABORTED_CLOSE = "</turn_aborted>"
CONTEXT_UPDATE_OPEN = "<context_update>"
CONTEXT_UPDATE_CLOSE = "</context_update>"
SKILL_OPEN = "<skill>"
SKILL_CLOSE = "</skill>"
USER_SHELL_COMMAND_OPEN = "<user_shell_command>"
USER_SHELL_COMMAND_CLOSE = "</user_shell_command>"
PROJECT_INSTRUCTIONS_PREFIX = "# AGENTS.md instructions for "
"""Start of the project-instructions wrapper: ``# AGENTS.md instructions for <dir>\\n\\n...``."""

SESSION_PREFIX_MARKERS: tuple[str, ...] = (
    ENVIRONMENT_CONTEXT_OPEN,
    USER_INSTRUCTIONS_OPEN,
    TURN_ABORTED_OPEN,
    CONTEXT_UPDATE_OPEN,
    SKILL_OPEN,
    USER_SHELL_COMMAND_OPEN,
    PROJECT_INSTRUCTIONS_PREFIX,
)

_LOWER_MARKERS = tuple(marker.lower() for marker in SESSION_PREFIX_MARKERS)
_SKILL_STEM = "<skill"


def is_session_prefix_text(text: str) -> bool:
    """True when ``text``, after leading whitespace and ignoring case, starts with a marker."""
    head = text.lstrip()[:64].lower()
    if head.startswith(_LOWER_MARKERS):
        return True
    # ``<skill name="...">`` and ``<skill\n`` are skill injections too.
    return head.startswith(_SKILL_STEM) and len(head) > len(_SKILL_STEM) and head[6].isspace()
