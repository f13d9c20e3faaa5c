"""Ordering past sessions so that each fork sits right under its parent.

The list is newest first and a fork is always newer than its parent, so a fork is read before
its parent, maybe a page earlier. ``family_order`` puts every fork (newest first) right after
its parent when the parent is among the rows, keeping everything else in its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from core.protocol.ids import ThreadId


class HasLineage(Protocol):
    @property
    def thread_id(self) -> ThreadId: ...

    @property
    def forked_from_id(self) -> ThreadId | None: ...


RowT = TypeVar("RowT", bound=HasLineage)


def family_order(rows: Sequence[RowT]) -> list[RowT]:
    ids = {row.thread_id for row in rows}
    forks: dict[ThreadId, list[RowT]] = {}
    roots: list[RowT] = []
    for row in rows:
        parent = row.forked_from_id
        if parent is not None and parent in ids and parent != row.thread_id:
            forks.setdefault(parent, []).append(row)
        else:
            roots.append(row)
    ordered: list[RowT] = []
    placed: set[ThreadId] = set()

    def place(row: RowT) -> None:
        if row.thread_id in placed:  # only a corrupt file could make a cycle; never loop
            return
        placed.add(row.thread_id)
        ordered.append(row)
        for fork in forks.get(row.thread_id, []):
            place(fork)

    for row in roots:
        place(row)
    ordered += [row for row in rows if row.thread_id not in placed]  # a cycle's members
    return ordered
