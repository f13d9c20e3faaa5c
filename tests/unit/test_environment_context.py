"""The environment context tells the model what its commands may do, network included."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.agent.initial_context import environment_context_text
from core.agent.turn_context import TurnContext
from core.llm.providers.endpoint import RuntimeEndpoint
from core.protocol.session import SandboxMode

BASE = TurnContext(
    model="m",
    model_provider_id="p",
    provider=RuntimeEndpoint(name="p", base_url="http://127.0.0.1:9/v1"),
    cwd=Path("/work"),
)


@pytest.mark.parametrize(
    ("mode", "network_access", "shown"),
    [
        ("workspace-write", False, "restricted"),
        ("workspace-write", True, "enabled"),
        ("read-only", True, "restricted"),
        ("danger-full-access", False, "enabled"),
    ],
)
def test_network_access_follows_the_sandbox(
    mode: SandboxMode, network_access: bool, shown: str
) -> None:
    context = replace(BASE, sandbox_mode=mode, network_access=network_access)
    text = environment_context_text(context)
    assert f"<network_access>{shown}</network_access>" in text
    assert f"<sandbox_mode>{mode}</sandbox_mode>" in text and "<cwd>/work</cwd>" in text
