"""Masking text that looks like a secret before it is stored or shown anywhere lha controls.

Conversations are full of pasted configs and command output, and an API key that slipped into one
must not spread further: into the search index, a snippet on screen or an export. The patterns are
the well-known shapes of provider keys plus ``NAME=value`` assignments whose name says it is
secret; a match is replaced by ``[redacted]`` (so it is neither stored nor findable).
"""

from __future__ import annotations

import functools
import re

REDACTED = "[redacted]"

_KEY_SHAPES = [
    r"sk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_\-]{16,}",  # OpenAI, Anthropic, Stripe
    r"rk_(?:live|test)_[A-Za-z0-9]{16,}",
    r"AKIA[0-9A-Z]{16}",  # AWS access key id
    r"AIza[0-9A-Za-z_\-]{30,}",  # Google
    r"gh[pousr]_[A-Za-z0-9]{30,}",  # GitHub tokens
    r"github_pat_[A-Za-z0-9_]{30,}",
    r"glpat-[A-Za-z0-9_\-]{20,}",  # GitLab
    r"xox[abposr]-[A-Za-z0-9\-]{10,}",  # Slack
    r"hf_[A-Za-z0-9]{30,}",  # Hugging Face
    r"eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",  # JWT
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
]
_NAMED_VALUES = [
    # NAME=value / NAME: value where the name says it is secret, and HTTP auth headers.
    r"(?:api[_-]?key|_key|secret|token|passw(?:or)?d|credential)[a-z0-9_]*"
    r"\s*[:=]\s*[\"']?(?P<value>[^\s\"']{8,})",
    r"(?:bearer|basic)\s+(?P<value>[a-z0-9_\-.=+/]{16,})",
]

_KEY_STARTS = (
    "sk-", "rk_", "AKIA", "AIza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
    "glpat-", "xox", "hf_", "eyJ", "PRIVATE KEY",
)  # fmt: skip
"""Literal starts of ``_KEY_SHAPES``: ``in`` checks are far faster than the regex's scan."""
_NAME_HINTS = ("key", "secret", "token", "passw", "credential", "bearer", "basic")


@functools.cache
def _compiled(patterns: tuple[str, ...], flags: int = 0) -> list[re.Pattern[str]]:
    """Compiled on first need: compiling them all costs more than a quick command's search."""
    return [re.compile(pattern, flags) for pattern in patterns]


def _named_value_spans(text: str) -> list[tuple[int, int]]:
    """Where the values of secret-named assignments are.

    Matching runs on the lower-cased text without IGNORECASE, which is ten times faster in
    Python's ``re`` (this runs over every message indexed); only when lower-casing changes the
    length (a few non-ASCII letters) does it fall back to IGNORECASE on the text itself.
    """
    lowered = text.lower()
    if not any(hint in lowered for hint in _NAME_HINTS):
        return []
    same_length = len(lowered) == len(text)
    patterns = _compiled(tuple(_NAMED_VALUES), 0 if same_length else re.IGNORECASE)
    subject = lowered if same_length else text
    spans = [match.span("value") for pattern in patterns for match in pattern.finditer(subject)]
    return sorted(spans)


def redact_secrets(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``[redacted]``."""
    if any(start in text for start in _KEY_STARTS):
        [keys] = _compiled(("|".join(_KEY_SHAPES),))
        text = keys.sub(REDACTED, text)
    spans = _named_value_spans(text)
    if not spans:
        return text
    pieces = []
    last = 0
    for start, end in spans:
        if start < last:  # overlapping matches
            continue
        pieces.append(text[last:start])
        pieces.append(REDACTED)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
