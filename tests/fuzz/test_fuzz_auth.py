"""Fuzzing auth.json and ``lha login``'s key: reading never raises, and a saved key reads back."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.auth import AuthManager
from core.errors import InvalidRequest

auth_files = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda key: json.dumps({"OPENAI_API_KEY": key}).encode(), st.text(max_size=40)),
    st.builds(
        lambda value: json.dumps({"OPENAI_API_KEY": value}).encode(),
        st.one_of(st.none(), st.integers(), st.lists(st.integers(), max_size=3)),
    ),
    st.sampled_from([b"[" * 5000, b"{}", b"null", b'"x"', b"\xef\xbb\xbf{}"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=auth_files)
def test_any_auth_json_reads_as_a_key_or_none(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "auth.json").write_bytes(raw)
        (home / "auth.json").chmod(0o600)
        auth = AuthManager(home).auth()
        assert auth is None or (auth.api_key and auth.api_key == auth.api_key.strip())
        assert (home / "auth.json").read_bytes() == raw


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.text(max_size=60))
def test_login_saves_only_keys_that_read_back(key: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        try:
            AuthManager(home).login_with_api_key(key)
        except InvalidRequest as err:
            assert "\n" not in str(err)
            assert not (home / "auth.json").exists()
            return
        saved = AuthManager(home).auth()
        assert saved is not None and saved.api_key == key.strip()
        assert all("!" <= char <= "~" for char in saved.api_key)
