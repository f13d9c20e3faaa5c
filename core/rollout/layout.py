"""The folders rollouts live in under LHA_HOME, in a module that imports nothing.

``lha search`` checks these folders for new rollouts before every search, and must not load the
rollout path helpers (their patterns, the thread id type) just to know two names.
"""

from __future__ import annotations

SESSIONS_SUBDIR = "sessions"
ARCHIVED_SUBDIR = "archived_sessions"
"""Archived rollouts, in the same ``YYYY/MM/DD`` layout (``lha archive`` moves them here)."""
