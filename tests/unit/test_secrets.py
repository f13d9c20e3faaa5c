"""``core.secrets``: what looks like a secret is masked, ordinary text is left alone."""

from __future__ import annotations

import pytest

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
