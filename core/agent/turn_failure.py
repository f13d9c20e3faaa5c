"""What a user is told when a turn fails in a way nobody foresaw.

A turn must always end with an event: a client waiting for one (``lha exec``, the UI) would
otherwise wait forever. An unexpected exception is a bug or an input lha does not handle; the
user gets its type and message on one line (scrubbed of anything key-shaped), the thread stays
usable, and the traceback goes to the debug log only (a handler-less log would print it).
"""

from __future__ import annotations

from core.sanitize import encodable_text
from core.text import one_line

MAX_DESCRIPTION = 300


def describe_unexpected(err: BaseException, api_key: str | None = None) -> str:
    """``the turn failed unexpectedly (Type: message); ...`` on one line, with no secret."""
    from core.llm.errors_map import scrub  # httpx: not on the start-up path

    while isinstance(err, BaseExceptionGroup) and err.exceptions:
        err = err.exceptions[0]  # the group's own text ("1 sub-exception") says nothing
    detail = scrub(one_line(encodable_text(str(err)), MAX_DESCRIPTION), api_key)
    what = f"{type(err).__name__}: {detail}" if detail else type(err).__name__
    return (
        f"the turn failed unexpectedly ({what}); the thread is kept and you can send "
        "another message (please report this if it happens again)"
    )


def session_not_saved(err: BaseException) -> str:
    """What to say when the rollout could not be written: resume and fork would miss what the
    thread did, so it is an error, not a detail (``err`` names the file and the problem)."""
    return f"the session could not be saved: {err}"
