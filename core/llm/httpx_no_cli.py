"""Keep ``import httpx`` from loading httpx's command-line client (imported by ``core.llm``).

``httpx/__init__`` runs ``from ._main import main``, and ``httpx._main`` imports click, pygments
and rich whenever they are installed (rich comes with textual, click with the ``local`` extra's
uvicorn): 60-80 ms of start-up for a CLI lha never runs. So until httpx is imported, its
``_main`` is a stand-in that loads the real module on first use (``httpx.main()`` or any
attribute): nothing changes for code that does use it. Installing the stand-in imports nothing.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_NAME = "httpx._main"


class _StandIn(types.ModuleType):
    """``httpx._main`` until someone actually needs it."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_load_real(), name)


def _load_real() -> types.ModuleType:
    if isinstance(sys.modules.get(_NAME), _StandIn):
        del sys.modules[_NAME]
    real = importlib.import_module(_NAME)
    httpx = sys.modules.get("httpx")
    if httpx is not None:
        httpx._main = real  # type: ignore[attr-defined]
    return real


def _main(*args: Any, **kwargs: Any) -> Any:
    return _load_real().main(*args, **kwargs)


def install() -> None:
    """Put the stand-in in place, unless httpx (or its CLI) is already loaded."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return
    stand_in = _StandIn(_NAME, __doc__)
    stand_in.main = _main  # type: ignore[attr-defined]
    sys.modules[_NAME] = stand_in


install()
