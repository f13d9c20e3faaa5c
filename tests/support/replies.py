"""What the scripted server answers to one model request, including the faults it injects.

A ``Reply`` is wire-neutral: the same reply is rendered as Responses API events or as Chat
Completions chunks depending on the route the request arrived on, so one test script exercises
both wire APIs.

Fault positions count *delta frames*: every text delta, reasoning delta and tool-argument fragment
is one delta frame. ``cut_after=2`` closes the connection right after the second delta frame;
when a reply has fewer delta frames than the position, the fault fires just before the frames that
would complete the response (``response.completed`` / the ``finish_reason`` chunk).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

Usage = tuple[int, int] | tuple[int, int, int, int]
"""(input, output) or (input, output, cached_input, reasoning_output) token counts."""


def split_text(text: str, chunks: int | None) -> list[str]:
    """Split ``text`` into ``chunks`` nearly equal deltas; ``None`` splits after each word."""
    if not text:
        return []
    if chunks is None:
        words: list[str] = []
        start = 0
        for i, ch in enumerate(text):
            if ch == " " and i + 1 < len(text) and text[i + 1] != " ":
                words.append(text[start : i + 1])
                start = i + 1
        words.append(text[start:])
        return words
    n = max(1, min(chunks, len(text)))
    size, extra = divmod(len(text), n)
    out: list[str] = []
    pos = 0
    for i in range(n):
        step = size + (1 if i < extra else 0)
        out.append(text[pos : pos + step])
        pos += step
    return out


@dataclass(frozen=True)
class ToolCallReply:
    """One function call the scripted model makes; ``arguments`` is the full JSON text."""

    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Build it with the class methods; tweak with ``with_(...)``."""

    text_deltas: tuple[str, ...] = ()
    reasoning_deltas: tuple[str, ...] = ()
    calls: tuple[ToolCallReply, ...] = ()
    arg_chunks: int = 3
    usage: Usage | None = (10, 5)
    finish_reason: str | None = None
    """Chat ``finish_reason``; default "tool_calls" when there are tool calls, else "stop"."""
    status: int = 200
    error_message: str | None = None
    error_code: str | None = None
    retry_after: float | None = None
    headers: tuple[tuple[str, str], ...] = ()
    cut_after: int | None = None
    cut_clean: bool = False
    """True: end the HTTP body properly (but without completion); False: drop the socket."""
    stall_after: int | None = None
    stall_s: float = 5.0
    malformed_after: int | None = None
    odd_after: int | None = None
    """Send valid JSON of a shape no client expects (a chat delta that is a string)."""
    fail_after: int | None = None
    """Send an in-stream failure (``response.failed`` / a chat ``error`` chunk) after N deltas."""
    omit_done: bool = False
    """Chat only: leave out ``data: [DONE]`` (finish_reason is still sent)."""
    reasoning_field: str = "reasoning_content"
    """Chat only: the delta field carrying reasoning (llama.cpp: reasoning_content)."""
    response_id: str | None = None
    raw_sse: tuple[bytes, ...] | None = None
    """Send exactly these body chunks (then end the body) instead of frames rendered from the
    reply: for fuzzing the stream parsers with arbitrary events."""

    # -- constructors -------------------------------------------------------------------------

    @classmethod
    def text(
        cls,
        text: str,
        *,
        chunks: int | None = None,
        reasoning: str | None = None,
        reasoning_chunks: int | None = None,
        usage: Usage | None = (10, 5),
        **faults: object,
    ) -> Reply:
        """An assistant answer split into ``chunks`` deltas (default: one delta per word)."""
        return cls(
            text_deltas=tuple(split_text(text, chunks)),
            reasoning_deltas=tuple(split_text(reasoning or "", reasoning_chunks)),
            usage=usage,
        ).with_(**faults)

    @classmethod
    def deltas(
        cls, deltas: list[str], *, reasoning: list[str] | None = None, **kw: object
    ) -> Reply:
        """Exactly these text deltas (and reasoning deltas), e.g. 2,000 of them for a benchmark."""
        return cls(text_deltas=tuple(deltas), reasoning_deltas=tuple(reasoning or ())).with_(**kw)

    @classmethod
    def tool_calls(
        cls,
        calls: list[tuple[str, str, str]],
        *,
        text: str | None = None,
        reasoning: str | None = None,
        arg_chunks: int = 3,
        usage: Usage | None = (10, 5),
        **faults: object,
    ) -> Reply:
        """Function calls ``(call_id, name, arguments_json)``, each streamed in ``arg_chunks``."""
        return cls(
            text_deltas=tuple(split_text(text or "", None)),
            reasoning_deltas=tuple(split_text(reasoning or "", None)),
            calls=tuple(ToolCallReply(*c) for c in calls),
            arg_chunks=arg_chunks,
            usage=usage,
        ).with_(**faults)

    @classmethod
    def error(
        cls,
        status: int,
        *,
        retry_after: float | None = None,
        message: str | None = None,
        code: str | None = None,
    ) -> Reply:
        """A non-200 answer with an OpenAI-style ``{"error": {...}}`` body."""
        return cls(status=status, retry_after=retry_after, error_message=message, error_code=code)

    @classmethod
    def malformed(cls, text: str = "oops", *, after: int = 0) -> Reply:
        """A stream whose ``after``-th frame is a ``data:`` line that is not JSON."""
        return cls.text(text, malformed_after=after)

    @classmethod
    def failed(
        cls,
        message: str = "the model crashed",
        *,
        code: str = "server_error",
        after: int = 0,
        text: str = "partial",
    ) -> Reply:
        """A stream that reports a failure in-band after ``after`` deltas."""
        return cls.text(text, fail_after=after, error_message=message, error_code=code)

    def with_(self, **changes: object) -> Reply:
        """A copy with fields changed (``headers`` may be given as a dict)."""
        if "headers" in changes and isinstance(changes["headers"], dict):
            changes["headers"] = tuple(changes["headers"].items())
        return replace(self, **changes)  # type: ignore[arg-type]

    # -- derived ------------------------------------------------------------------------------

    @property
    def full_text(self) -> str:
        return "".join(self.text_deltas)

    @property
    def full_reasoning(self) -> str:
        return "".join(self.reasoning_deltas)

    def usage_numbers(self) -> tuple[int, int, int, int] | None:
        if self.usage is None:
            return None
        if len(self.usage) == 2:
            return (self.usage[0], self.usage[1], 0, 0)
        return self.usage

    def chat_finish_reason(self) -> str:
        if self.finish_reason is not None:
            return self.finish_reason
        return "tool_calls" if self.calls else "stop"
