"""Keep pydantic from reading every installed package's metadata when lha starts.

The first model pydantic builds asks ``pydantic.plugin._loader.get_plugins()``, which imports
``importlib.metadata`` and reads the entry points of every distribution in the environment:
15-20 ms of each lha start-up here, more in a bigger environment. lha's models use no pydantic
plugin, so ``lha`` (``tui.cli.main``) installs a stand-in for that module that answers "no
plugins"; any other name loads the real module (and from then on pydantic uses that one).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_NAME = "pydantic.plugin._loader"


class _StandIn(types.ModuleType):
    """``pydantic.plugin._loader`` with no plugins, until another of its names is needed."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_load_real(), name)


def _no_plugins() -> tuple[()]:
    return ()


def _load_real() -> types.ModuleType:
    if isinstance(sys.modules.get(_NAME), _StandIn):
        del sys.modules[_NAME]
    return importlib.import_module(_NAME)


def install() -> None:
    """Put the stand-in in place, unless pydantic has looked for plugins already."""
    if _NAME in sys.modules:
        return
    stand_in = _StandIn(_NAME, __doc__)
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[_NAME] = stand_in
