"""What looks like a secret, and text with those secrets masked: the one home for both.

Error bodies a server echoes, exported transcripts (a pasted ``.env``, a command that printed its
environment) and anything else lha shows or writes from untrusted text pass through here, so a
key never leaves lha just because it was once on screen. The patterns are deliberately broad:
masking a harmless token costs a few characters, letting a key through costs the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"

_TOKEN_PATTERNS: tuple[str, ...] = (
    r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{6,}",  # OpenAI, Stripe and Anthropic style keys
    r"\bgh[pousr]_[A-Za-z0-9]{20,}",  # GitHub tokens
    r"\bgithub_pat_[A-Za-z0-9_]{20,}",
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",  # AWS access key ids
    r"\bxox[abprs]-[A-Za-z0-9-]{10,}",  # Slack tokens
    r"\bAIza[0-9A-Za-z_\-]{30,}",  # Google API keys
    r"\bglpat-[A-Za-z0-9_\-]{20,}",  # GitLab tokens
    r"\beyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",  # JSON web tokens
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
)
_TOKENS = "|".join(f"(?:{pattern})" for pattern in _TOKEN_PATTERNS)
"""The patterns are compiled on first use (``re``'s cache): most texts need none of them, and
compiling them costs a short command like ``lha search`` a few ms."""

_ASSIGNED = (
    r"(?i)(?P<name>\b[A-Za-z0-9_.\-]*(?:api[_-]?key|secret|token|passw(?:or)?d|authorization)"
    r"[A-Za-z0-9_.\-]*[\"']?\s*[:=]\s*(?:bearer\s+)?[\"']?)(?!\d+\b)(?P<value>[^\s\"',;]{8,})"
)
"""``OPENAI_API_KEY=...``, ``"password": "..."``, ``Authorization: Bearer ...``: the value goes
(a number is left: ``total_tokens: 123456789`` is a count, not a secret)."""
_BEARER = r"(?i)(?P<name>\bbearer\s+)(?P<value>[A-Za-z0-9._\-~+/]{16,}=*)"


def _mask_value(match: re.Match[str]) -> str:
    return match.group("name") + MASK


_TOKEN_STARTS_BY_MARK: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("-", ("sk-", "pk-", "rk-", "xox", "glpat-", "PRIVATE KEY")),
    ("_", ("gho_", "ghp_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    ("A", ("AKIA", "ASIA", "AIza")),
    ("J", ("eyJ",)),
)
"""Literal starts of ``_TOKEN_PATTERNS``, each under a character every match of its pattern
holds (``xox[abprs]-`` and ``-----BEGIN ... PRIVATE KEY`` hold a ``-``). This runs over every
message the search index takes in: a one-character ``in`` is a ``memchr``, some 20 times faster
than a search for a longer literal, so a text without the character skips its literals (the
index's first build spent most of its extraction time here), and one with it pays two percent
more than before. Only the cost changes: a literal is looked for whenever it could be there."""
_NAME_HINTS = ("key", "secret", "token", "passw", "authorization", "bearer")
_ASSIGNMENT_MARKS = (":", "=")
"""``_ASSIGNED`` needs one of these after the name: without either only ``_BEARER`` can match."""


def redact_secrets(text: str, known: Iterable[str | None] = ()) -> str:
    """``text`` with every secret-looking part replaced by ``***``; ``known`` secrets (the API
    key in use) are masked wherever they appear, whatever their shape."""
    for secret in known:
        if secret:
            text = text.replace(secret, MASK)
    if any(
        mark in text and any(start in text for start in starts)
        for mark, starts in _TOKEN_STARTS_BY_MARK
    ):
        text = re.sub(_TOKENS, MASK, text)
    lowered = text.lower()
    if any(mark in text for mark in _ASSIGNMENT_MARKS) and any(
        hint in lowered for hint in _NAME_HINTS
    ):
        text = re.sub(_ASSIGNED, _mask_value, text)
    if "bearer" in lowered:
        text = re.sub(_BEARER, _mask_value, text)
    return text


def looks_like_secret(text: str) -> bool:
    """True when ``text`` holds anything ``redact_secrets`` would mask."""
    return redact_secrets(text) != text
