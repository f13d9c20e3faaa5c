"""Package attributes loaded on first use (PEP 562), shared by the packages' ``__init__``s.

Start-up time is a feature: importing ``core.config`` or one protocol module must not pay for
every model and manager a package re-exports.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def lazy_getattr(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` on first access and caches it."""
    namespace = sys.modules[package].__dict__  # called from the package's own ``__init__``

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from importlib import import_module  # on first use: ``lha search`` never needs it

        value = getattr(import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
