"""Keeping a command's output for the model without keeping all of it in memory.

A command may print gigabytes; the model needs the beginning (what ran, the first error) and the
end (the summary, the last error). ``HeadTailBuffer`` keeps a fixed head and a rolling tail, so
memory stays bounded whatever the command prints.
"""

from __future__ import annotations

from collections import deque

DEFAULT_HEAD_BYTES = 12 * 1024
DEFAULT_TAIL_BYTES = 12 * 1024


class HeadTailBuffer:
    """The first ``head`` and last ``tail`` bytes of a stream, and how many bytes it had."""

    def __init__(self, head: int = DEFAULT_HEAD_BYTES, tail: int = DEFAULT_TAIL_BYTES) -> None:
        self._head_cap = head
        self._tail_cap = tail
        self._head = bytearray()
        self._tail: deque[bytes] = deque()
        self._tail_len = 0
        self.total = 0

    def append(self, data: bytes) -> None:
        self.total += len(data)
        room = self._head_cap - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
        if not data or self._tail_cap == 0:
            return
        if len(data) >= self._tail_cap:
            self._tail.clear()
            self._tail.append(data[-self._tail_cap :])
            self._tail_len = self._tail_cap
            return
        self._tail.append(data)
        self._tail_len += len(data)
        while self._tail_len - len(self._tail[0]) >= self._tail_cap:
            self._tail_len -= len(self._tail.popleft())

    @property
    def omitted(self) -> int:
        """Bytes neither in the head nor in the kept tail."""
        return self.total - len(self._head) - min(self._tail_len, self._tail_cap)

    def text(self) -> str:
        """Head, an omission marker when bytes were dropped, and tail, decoded leniently."""
        tail = b"".join(self._tail)
        if self._tail_len > self._tail_cap:
            tail = tail[-self._tail_cap :]
        head_text = self._head.decode("utf-8", errors="replace")
        tail_text = tail.decode("utf-8", errors="replace")
        if self.omitted <= 0:
            return head_text + tail_text
        return f"{head_text}\n[... {self.omitted:,} bytes of output omitted ...]\n{tail_text}"
