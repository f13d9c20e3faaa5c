"""``Record``: ``typing.NamedTuple``'s class syntax without loading ``typing`` when lha runs.

``lha search`` is mostly start-up (docs/architecture.md, "Why the start-up tricks exist"), and
``typing`` with what it imports is ~3.5 ms of it. The modules a search loads declare their
records with ``Record`` instead of ``NamedTuple``: type checkers see ``typing.NamedTuple``
itself, and at run time the class body becomes what ``typing.NamedTuple`` would make of it, a
``collections.namedtuple`` with the annotated fields in order, their defaults, and the body's
methods, properties and docstring. ``tests/unit/test_records.py`` checks the two agree.

Modules that load ``typing`` anyway (everything behind pydantic) keep ``NamedTuple``.
"""

from __future__ import annotations

import collections
from collections.abc import Callable

TYPE_CHECKING = False
"""``typing.TYPE_CHECKING`` without importing ``typing``: type checkers take a name
``TYPE_CHECKING`` as true whatever its value, Python sees False."""

__all__ = ["TYPE_CHECKING", "Record"]

_NAMEDTUPLE: Callable[..., type] = collections.namedtuple
"""Called through a name: type checkers accept only literal arguments in a direct call."""
_RESERVED = frozenset(("_make", "_replace", "_asdict", "_fields", "_field_defaults", "__new__"))
"""Names the namedtuple defines; a body redefining them is refused, as ``NamedTuple`` does."""


def _namedtuple_from_body(name: str, body: dict[str, object]) -> type:
    annotations = body.get("__annotations__", {})
    assert isinstance(annotations, dict)
    fields = list(annotations)
    defaults = [body[field] for field in fields if field in body]
    if defaults and any(field not in body for field in fields[len(fields) - len(defaults) :]):
        raise TypeError(f"{name}: a field without a default follows one with a default")
    module = str(body.get("__module__", __name__))
    record: type = _NAMEDTUPLE(name, fields, defaults=defaults or None, module=module)
    for key, value in body.items():
        if key in _RESERVED:
            raise AttributeError(f"{name}: cannot overwrite NamedTuple attribute {key}")
        if key in fields or key in ("__annotations__", "__module__", "__dict__", "__weakref__"):
            continue
        setattr(record, key, value)
    record.__annotations__ = dict(annotations)
    return record


class _RecordMeta(type):
    def __new__(
        cls, name: str, bases: tuple[type, ...], namespace: dict[str, object]
    ) -> _RecordMeta:
        if not bases:  # Record itself
            return super().__new__(cls, name, bases, namespace)
        return _namedtuple_from_body(name, namespace)  # type: ignore[return-value]


class _RuntimeRecord(metaclass=_RecordMeta):
    """Subclass to declare a record (see the module docstring)."""


if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    Record = _RuntimeRecord
