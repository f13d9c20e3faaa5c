"""``Record`` makes what ``typing.NamedTuple`` makes of the same class body (see core.records)."""

from __future__ import annotations

import pickle
from typing import NamedTuple

import pytest

from core.records import Record


class TypedPoint(NamedTuple):
    """A point on the grid."""

    x: int
    y: int = 0
    label: str = "origin"

    @property
    def total(self) -> int:
        return self.x + self.y

    @classmethod
    def diagonal(cls, size: int) -> TypedPoint:
        return cls(size, size)

    def moved(self, by: int) -> TypedPoint:
        return self._replace(x=self.x + by)


class RecordPoint(Record):
    """A point on the grid."""

    x: int
    y: int = 0
    label: str = "origin"

    @property
    def total(self) -> int:
        return self.x + self.y

    @classmethod
    def diagonal(cls, size: int) -> RecordPoint:
        return cls(size, size)

    def moved(self, by: int) -> RecordPoint:
        return self._replace(x=self.x + by)


def test_fields_defaults_and_docstring_match() -> None:
    assert RecordPoint._fields == TypedPoint._fields == ("x", "y", "label")
    assert RecordPoint._field_defaults == TypedPoint._field_defaults
    assert RecordPoint.__doc__ == TypedPoint.__doc__ == "A point on the grid."
    assert list(RecordPoint.__annotations__) == list(TypedPoint.__annotations__)
    assert RecordPoint.__module__ == TypedPoint.__module__ == __name__
    assert RecordPoint.__qualname__ == "RecordPoint"


def test_instances_behave_alike() -> None:
    typed, record = TypedPoint(2, label="p"), RecordPoint(2, label="p")
    assert tuple(record) == tuple(typed) == (2, 0, "p")
    assert record == typed  # both are tuples
    assert repr(record) == repr(typed).replace("TypedPoint", "RecordPoint")
    assert record.total == typed.total == 2
    assert RecordPoint.diagonal(3) == TypedPoint.diagonal(3) == (3, 3, "origin")
    assert type(RecordPoint.diagonal(3)) is RecordPoint
    assert record.moved(5) == typed.moved(5) == (7, 0, "p")
    assert record._asdict() == typed._asdict()
    assert pickle.loads(pickle.dumps(record)) == record
    with pytest.raises(AttributeError):
        record.x = 1  # type: ignore[misc]
    assert not hasattr(record, "__dict__")


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default"):

        class Bad(Record):  # type: ignore[misc]
            x: int = 0
            y: int


def test_overwriting_a_namedtuple_method_is_refused() -> None:
    with pytest.raises(AttributeError, match="_replace"):

        class Bad(Record):
            x: int

            def _replace(self) -> None:  # type: ignore[override]
                pass
