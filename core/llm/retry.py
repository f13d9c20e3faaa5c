"""Backoff between attempts: exponential with jitter, honouring the server's Retry-After.

The base delay is injectable (and read from ``LHA_RETRY_BASE_DELAY_MS``) so tests of the retry
paths, including ones that run ``lha`` in a subprocess, take milliseconds instead of seconds.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

DEFAULT_BASE_DELAY_S = 0.2
MAX_DELAY_S = 30.0
MAX_RETRY_AFTER_S = 60.0
"""A Retry-After beyond this is not waited out: the error is reported instead."""


def _env_base_delay() -> float:
    raw = os.environ.get("LHA_RETRY_BASE_DELAY_MS", "").strip()
    if raw:
        try:
            return max(0.0, float(raw) / 1000)
        except ValueError:
            pass
    return DEFAULT_BASE_DELAY_S


@dataclass(frozen=True)
class RetryPolicy:
    """``base_delay_s * 2**(attempt-1)`` with ±10 % jitter, capped; attempt counts from 1."""

    base_delay_s: float = field(default_factory=_env_base_delay)
    max_delay_s: float = MAX_DELAY_S
    jitter: float = 0.1

    def delay(self, attempt: int, retry_after_s: float | None = None) -> float:
        if retry_after_s is not None:
            return min(retry_after_s, MAX_RETRY_AFTER_S)
        exp = self.base_delay_s * (2 ** max(0, attempt - 1))
        spread = 1 + random.uniform(-self.jitter, self.jitter)
        return float(min(self.max_delay_s, exp * spread))
