"""Shared skips for the tool tests."""

from __future__ import annotations

import asyncio

import pytest

from core.tools.sandbox import bwrap_problem


@pytest.fixture
def bwrap_ok() -> None:
    """Skip (with the reason) where bubblewrap cannot make a sandbox, e.g. no user namespaces."""
    problem = asyncio.run(bwrap_problem())
    if problem is not None:
        pytest.skip(problem)
