"""The second process of a bulk index job (see ``bulk``): extracts the batches it is sent.

Reads ``(batch, starts)`` pickles from stdin until it closes and answers each with the batch's
``PreparedRollout`` list on stdout. It only reads rollouts; the writing stays in the parent.
"""

from __future__ import annotations

import pickle
import sys

from core.index.bulk import prepare_batch


def main() -> int:
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            batch, starts = pickle.load(source)
        except EOFError:
            return 0
        pickle.dump(prepare_batch(batch, starts), sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    sys.exit(main())
