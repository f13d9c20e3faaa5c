"""Which user-role messages the user actually typed.

The agent injects context as user-role messages (environment, project instructions, skills, the
output of ``!cmd``, a note that a turn was aborted). They are part of the session's prefix, not
user turns: forking "before the 2nd message" and the session list's preview must skip them
(docs/architecture.md, Vocabulary). The agent builds those messages with the markers exported
here, so the two sides cannot drift apart.
"""

from __future__ import annotations

from core.records import TYPE_CHECKING

if TYPE_CHECKING:  # told apart by their type tags: lha's first frame reads heads without them
    from core.protocol.items import TranscriptItem

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
COMPACTION_SUMMARY_OPEN = "<conversation_summary>"
COMPACTION_SUMMARY_CLOSE = "</conversation_summary>"
"""Wraps the summary a compaction put in place of the history (``core.agent.compaction``)."""
PROJECT_INSTRUCTIONS_PREFIX = "# AGENTS.md instructions for "
"""Start of the project-instructions wrapper: ``# AGENTS.md instructions for <dir>\\n\\n...``."""

SESSION_PREFIX_MARKERS: tuple[str, ...] = (
    ENVIRONMENT_CONTEXT_OPEN,
    USER_INSTRUCTIONS_OPEN,
    TURN_ABORTED_OPEN,
    CONTEXT_UPDATE_OPEN,
    SKILL_OPEN,
    USER_SHELL_COMMAND_OPEN,
    COMPACTION_SUMMARY_OPEN,
    PROJECT_INSTRUCTIONS_PREFIX,
)

_LOWER_MARKERS = tuple(marker.lower() for marker in SESSION_PREFIX_MARKERS)
_SKILL_STEM = "<skill"
_FIRST_CHARS = tuple({marker[0] for marker in (*_LOWER_MARKERS, _SKILL_STEM)})
"""What every marker starts with (``<`` or ``#``, neither a letter): most messages are told
apart by their first character, without a lower-cased copy of their head (a 1,000-turn
history is looked through several times as a turn starts)."""


def is_session_prefix_text(text: str) -> bool:
    """True when ``text``, after leading whitespace and ignoring case, starts with a marker."""
    head = text.lstrip()[:64]
    if not head.startswith(_FIRST_CHARS):
        return False
    head = head.lower()
    if head.startswith(_LOWER_MARKERS):
        return True
    # ``<skill name="...">`` and ``<skill\n`` are skill injections too.
    return head.startswith(_SKILL_STEM) and len(head) > len(_SKILL_STEM) and head[6].isspace()


def is_session_prefix_message(item: TranscriptItem) -> bool:
    """True for a user-role message injected by the agent (any text part carries a marker)."""
    if item.type != "message" or item.role != "user":
        return False
    for part in item.content:
        if part.type != "input_image" and is_session_prefix_text(part.text):
            return True
    return False


def is_real_user_message(item: TranscriptItem) -> bool:
    """True for a message the user typed: role ``user`` and not session prefix."""
    return item.type == "message" and item.role == "user" and not is_session_prefix_message(item)
