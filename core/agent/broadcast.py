"""A bounded broadcast channel with lag reporting (the Codex CLI uses tokio's ``broadcast``).

Every receiver sees every value sent after it subscribed. A receiver that falls more than
``capacity`` values behind loses the oldest ones and is told how many on its next ``recv``.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class BroadcastLagged(Exception):
    """The receiver fell behind; ``missed`` values were dropped. Receiving again continues."""

    def __init__(self, missed: int) -> None:
        super().__init__(f"receiver lagged behind and missed {missed} values")
        self.missed = missed


class BroadcastReceiver(Generic[T]):
    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._buffer: deque[T] = deque()
        self._missed = 0
        self._wakeup = asyncio.Event()

    def _push(self, value: T) -> None:
        if len(self._buffer) >= self._capacity:
            self._buffer.popleft()
            self._missed += 1
        self._buffer.append(value)
        self._wakeup.set()

    def try_recv(self) -> T | None:
        """The next value if one is waiting, else None; raises BroadcastLagged after a lag."""
        if self._missed:
            missed, self._missed = self._missed, 0
            raise BroadcastLagged(missed)
        if self._buffer:
            return self._buffer.popleft()
        self._wakeup.clear()
        return None

    async def recv(self) -> T:
        while True:
            value = self.try_recv()
            if value is not None:
                return value
            await self._wakeup.wait()

    def __aiter__(self) -> BroadcastReceiver[T]:
        return self

    async def __anext__(self) -> T:
        return await self.recv()


class Broadcast(Generic[T]):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._receivers: weakref.WeakSet[BroadcastReceiver[T]] = weakref.WeakSet()

    def subscribe(self) -> BroadcastReceiver[T]:
        receiver: BroadcastReceiver[T] = BroadcastReceiver(self.capacity)
        self._receivers.add(receiver)
        return receiver

    def send(self, value: T) -> int:
        """Deliver to every live receiver; returns how many there were (0 is not an error)."""
        receivers = list(self._receivers)
        for receiver in receivers:
            receiver._push(value)
        return len(receivers)
