"""Error messages and backoff: one line, actionable, never the key."""

from __future__ import annotations

import pytest

from core.llm import errors_map
from core.llm.providers.built_in import built_in_providers
from core.llm.providers.endpoint import RuntimeEndpoint
from core.llm.retry import RetryPolicy


def test_server_message_prefers_error_message_and_scrubs_keys() -> None:
    body = b'{"error": {"message": "bad key sk-proj-abcdefghijkl\\nline two", "code": "x"}}'
    assert errors_map.server_message(body, None) == "bad key *** line two"
    assert errors_map.server_message(b"plain secret-1234567890 text", "secret-1234567890") == (
        "plain *** text"
    )
    assert errors_map.server_message(b'{"detail": "nope"}', None) == "nope"
    assert len(errors_map.server_message(b"y" * 1000, None)) == errors_map.MAX_SERVER_TEXT


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
        ({}, None),
    ],
)
def test_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert errors_map.retry_after_s(headers) == expected


def test_key_hints() -> None:
    openai = built_in_providers()["openai"]
    assert errors_map.key_hint(openai) == "check OPENAI_API_KEY (or run `lha login --with-api-key`)"
    bare = RuntimeEndpoint(name="x", base_url="http://h/v1")
    assert "env_key" in errors_map.key_hint(bare)


def test_403_is_unauthorized_too() -> None:
    ep = RuntimeEndpoint(name="x", base_url="http://h/v1", env_key="K")
    err = errors_map.status_error(ep, "/chat/completions", 403, b"", api_key="k", model="m")
    assert (
        err.message
        == "the provider rejected the API key (HTTP 403); check the environment variable K"
    )


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    policy = RetryPolicy(base_delay_s=0.2)
    for attempt, nominal in [(1, 0.2), (2, 0.4), (3, 0.8)]:
        assert nominal * 0.9 <= policy.delay(attempt) <= nominal * 1.1
    assert policy.delay(30) == policy.max_delay_s
    assert policy.delay(1, retry_after_s=3) == 3


def test_base_delay_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LHA_RETRY_BASE_DELAY_MS", "5")
    assert RetryPolicy().base_delay_s == 0.005
    monkeypatch.delenv("LHA_RETRY_BASE_DELAY_MS")
    assert RetryPolicy().base_delay_s == 0.2


def test_the_suite_runs_with_fast_retries() -> None:
    """tests/conftest.py's autouse fixture keeps every retry in every test (and subprocess) fast."""
    assert RetryPolicy().base_delay_s == 0.001
