"""``core.secrets``: what looks like a secret is masked, ordinary text is left alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import secrets
from core.secrets import looks_like_secret, redact_secrets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key sk-proj-abcdefghijkl0123 here", "key *** here"),
        ("gh ghp_" + "a" * 36, "gh ***"),
        ("aws AKIAABCDEFGHIJKLMNOP.", "aws ***."),
        ("slack xoxb-1234567890-abcdef", "slack ***"),
        ("OPENAI_API_KEY=abc123def456ghi", "OPENAI_API_KEY=***"),
        ('{"password": "hunter22hunter"}', '{"password": "***"}'),
        ("Authorization: Bearer abcdefghijklmnopqrstuvwx", "Authorization: Bearer ***"),
        ("jwt eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4", "jwt ***"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- after", "*** after"),
    ],
)
def test_secret_shapes_are_masked(text: str, expected: str) -> None:
    assert redact_secrets(text) == expected
    assert looks_like_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "the task list: ask-me later",
        "token = 3",  # too short to be a secret value
        "total_tokens: 123456789",  # a count
        "def password_rules(): ...",
        "thread 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_secrets(text) == text
    assert not looks_like_secret(text)


def test_a_known_key_is_masked_whatever_its_shape() -> None:
    assert redact_secrets("echoed: plainkey42", ["plainkey42", None]) == "echoed: ***"


def _every_pattern_always(text: str) -> str:
    """``redact_secrets`` without its cheap checks: every pattern runs on every text."""
    text = re.sub(secrets._TOKENS, secrets.MASK, text)
    text = re.sub(secrets._ASSIGNED, secrets._mask_value, text)
    return re.sub(secrets._BEARER, secrets._mask_value, text)


_PIECES = st.sampled_from(
    [
        "sk-", "pk-", "rk-", "ghp_", "gho_", "github_pat_", "AKIA", "ASIA", "AIza", "xoxb-",
        "glpat-", "eyJ", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",
        "api_key", "Secret", "TOKEN", "password", "Authorization", "Bearer ", "bearer",
        ": ", "=", '"', "'", " ", "\n", ".", "-", "_", "A", "J", "abcdefghij", "0123456789",
        "QRSTUVWXYZ", "é",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_cheap_checks_never_skip_a_pattern_that_matches(text: str) -> None:
    """The literal and character checks only save time: the result is the patterns' own."""
    assert redact_secrets(text) == _every_pattern_always(text)
