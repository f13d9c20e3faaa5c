"""Fuzzing config.toml: any TOML-ish text loads, or fails with exactly one ConfigError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import Config
from core.errors import ConfigError

KEYS = ["model", "model_provider", "approval_policy", "sandbox_mode", "tui.theme", "x", '"a b"']
VALUES = ['"gpt"', "1", "true", "[1, 2]", "{a = 1}", '"never"', "nan", "[[[]]]", '"\\u001b"']
HEADERS = ["[tui]", "[features]", "[model_providers.p]", "[[x]]", "[mcp_servers.s]", "[a.b.c]"]

lines = st.one_of(
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(KEYS), st.sampled_from(VALUES)),
    st.sampled_from(HEADERS),
    st.sampled_from(['base_url = "http://x"', 'command = "ls"', "memories = true"]),
    st.text(max_size=40),
    st.builds(lambda n: " " * n + "=", st.integers(0, 3000)),
)
documents = st.lists(lines, max_size=15).map("\n".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents)
def test_config_text_loads_or_is_one_config_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "config.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            Config.load(home, cwd=home)
        except ConfigError as err:
            assert str(err).strip() and "\n" not in str(err)
