"""Rollout files: writing them, reading them back, listing them, and cutting them for forks.

Names load on first use (PEP 562): ``core.rollout.paths`` alone is cheap, so ``lha resume`` can
name the thread of a rollout file before it pays for the protocol models.
"""

from __future__ import annotations

from core._lazy import lazy_getattr
from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from core.rollout.listing import (
        ThreadItem,
        ThreadsPage,
        find_latest_thread_path,
        find_thread_path_by_id,
    )
    from core.rollout.reader import LoadedRollout, RolloutReadReport, load_rollout
    from core.rollout.recorder import RolloutRecorder
    from core.rollout.session_prefix import is_real_user_message, is_session_prefix_message
    from core.rollout.truncation import (
        truncate_before_nth_user_message,
        truncate_rollout_before_nth_user_message_from_start,
    )

_EXPORTS: dict[str, str] = {
    "ThreadItem": "core.rollout.listing",
    "ThreadsPage": "core.rollout.listing",
    "find_latest_thread_path": "core.rollout.listing",
    "find_thread_path_by_id": "core.rollout.listing",
    "LoadedRollout": "core.rollout.reader",
    "RolloutReadReport": "core.rollout.reader",
    "load_rollout": "core.rollout.reader",
    "RolloutRecorder": "core.rollout.recorder",
    "is_real_user_message": "core.rollout.session_prefix",
    "is_session_prefix_message": "core.rollout.session_prefix",
    "truncate_before_nth_user_message": "core.rollout.truncation",
    "truncate_rollout_before_nth_user_message_from_start": "core.rollout.truncation",
}

__all__ = [
    "LoadedRollout",
    "RolloutReadReport",
    "RolloutRecorder",
    "ThreadItem",
    "ThreadsPage",
    "find_latest_thread_path",
    "find_thread_path_by_id",
    "is_real_user_message",
    "is_session_prefix_message",
    "load_rollout",
    "truncate_before_nth_user_message",
    "truncate_rollout_before_nth_user_message_from_start",
]

__getattr__ = lazy_getattr(__name__, _EXPORTS)
