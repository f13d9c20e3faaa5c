"""Rollout files: writing them, reading them back, listing them, and cutting them for forks."""

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
