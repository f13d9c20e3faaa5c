"""Every key lha defines is a Binding with an id, so ``[tui.keymap]`` can remap any of them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

import tui


def _lha_classes_with_bindings() -> list[type[DOMNode]]:
    found: list[type[DOMNode]] = []
    for module_info in pkgutil.walk_packages(tui.__path__, "tui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            own = cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__
            if own and issubclass(cls, DOMNode):
                found.append(cls)
    return found


def test_every_binding_has_a_unique_id() -> None:
    classes = _lha_classes_with_bindings()
    names = {cls.__name__ for cls in classes}
    assert {"LhaApp", "Transcript", "ToolCallView", "Composer", "ThreadSidebar"} <= names
    ids: list[str] = []
    for cls in classes:
        for binding in cls.__dict__["BINDINGS"]:
            assert isinstance(binding, Binding), f"{cls.__name__}: {binding!r} is not a Binding"
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            ids.append(binding.id)
    assert len(ids) == len(set(ids)), "ids are unique"
