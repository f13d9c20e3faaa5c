"""The second process of a bulk index job (see ``bulk``): extracts the batches it is sent.

Reads ``(batch, starts)`` pickles from stdin until it closes and answers each with the batch's
``PreparedRollout`` list on stdout. It only reads rollouts; the writing stays in the parent.

A thread sends the answers, so extraction goes on while a pipe write waits for the parent to
read: the worker keeps up to ``AHEAD`` batches ready, which absorbs the moments the machine
gives it no CPU, instead of the writer then waiting for the batch it needs next.
"""

from __future__ import annotations

import pickle
import queue
import sys
import threading
from typing import BinaryIO

from core.index.bulk import prepare_batch

AHEAD = 2
_DONE = b""


def _send(ready: queue.Queue[bytes], sink: BinaryIO) -> None:
    """Write each answer; once the parent has gone (a broken pipe), just take them, so that
    ``main`` never blocks on a full queue and ends when its stdin does."""
    try:
        while (answer := ready.get()) != _DONE:
            sink.write(answer)
            sink.flush()
    except (OSError, ValueError):
        while ready.get() != _DONE:
            pass


def main() -> int:
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    ready: queue.Queue[bytes] = queue.Queue(maxsize=AHEAD)
    sender = threading.Thread(target=_send, args=(ready, sink), name="lha-index-send")
    sender.start()
    try:
        while True:
            try:
                batch, starts = pickle.load(source)
            except EOFError:
                return 0
            ready.put(pickle.dumps(prepare_batch(batch, starts), protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        ready.put(_DONE)
        sender.join()


if __name__ == "__main__":
    sys.exit(main())
