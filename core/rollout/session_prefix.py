"""Which user-role messages the user actually typed.

The agent injects context as user-role messages (environment, project instructions, skills, the
output of ``!cmd``, a note that a turn was aborted). They are part of the session's prefix, not
user turns: forking "before the 2nd message" and the session list's preview must skip them
(DESIGN.md section 5). The agent builds those messages with the markers exported here, so the two
sides cannot drift apart.
"""

from __future__ import annotations

from core.protocol.items import InputImage, MessageItem, TranscriptItem
from core.rollout.prefix_markers import (
    CONTEXT_UPDATE_CLOSE,
    CONTEXT_UPDATE_OPEN,
    ENVIRONMENT_CONTEXT_CLOSE,
    ENVIRONMENT_CONTEXT_OPEN,
    PROJECT_INSTRUCTIONS_PREFIX,
    SESSION_PREFIX_MARKERS,
    SKILL_CLOSE,
    SKILL_OPEN,
    TURN_ABORTED_CLOSE,
    TURN_ABORTED_OPEN,
    USER_INSTRUCTIONS_CLOSE,
    USER_INSTRUCTIONS_OPEN,
    USER_SHELL_COMMAND_CLOSE,
    USER_SHELL_COMMAND_OPEN,
    is_session_prefix_text,
)

__all__ = [
    "CONTEXT_UPDATE_CLOSE",
    "CONTEXT_UPDATE_OPEN",
    "ENVIRONMENT_CONTEXT_CLOSE",
    "ENVIRONMENT_CONTEXT_OPEN",
    "PROJECT_INSTRUCTIONS_PREFIX",
    "SESSION_PREFIX_MARKERS",
    "SKILL_CLOSE",
    "SKILL_OPEN",
    "TURN_ABORTED_CLOSE",
    "TURN_ABORTED_OPEN",
    "USER_INSTRUCTIONS_CLOSE",
    "USER_INSTRUCTIONS_OPEN",
    "USER_SHELL_COMMAND_CLOSE",
    "USER_SHELL_COMMAND_OPEN",
    "is_real_user_message",
    "is_session_prefix_message",
    "is_session_prefix_text",
]


def is_session_prefix_message(item: TranscriptItem) -> bool:
    """True for a user-role message injected by the agent (any text part carries a marker)."""
    if not isinstance(item, MessageItem) or item.role != "user":
        return False
    return any(
        is_session_prefix_text(part.text)
        for part in item.content
        if not isinstance(part, InputImage)
    )


def is_real_user_message(item: TranscriptItem) -> bool:
    """True for a message the user typed: role ``user`` and not session prefix."""
    return (
        isinstance(item, MessageItem)
        and item.role == "user"
        and not is_session_prefix_message(item)
    )
