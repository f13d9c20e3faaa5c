"""A model server in its own process for the streaming benchmark, as a real server would be.

``python -m tests.bench.stream_server PORT WORDS`` answers every request with a WORDS-word
answer, one word per SSE delta, and prints ``ready`` once it listens.
"""

from __future__ import annotations

import asyncio
import sys

from tests.support.scripted_server import Reply, ScriptedServer


def answer_deltas(count: int) -> list[str]:
    """A long answer as a model writes one: paragraphs of 60 words, a word per delta."""
    return [f"word{i}" + ("\n\n" if i % 60 == 59 else " ") for i in range(count)]


async def serve(port: int, words: int) -> None:
    server = ScriptedServer("127.0.0.1", port)
    server.default_reply = Reply.deltas(answer_deltas(words), usage=(10, words))
    async with server:
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2])))
