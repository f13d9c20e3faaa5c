"""lha's one-line errors as JSON-RPC errors: the client shows the message, nobody a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from acp import RequestError

from core.errors import LhaError, ThreadNotFound


@contextmanager
def as_request_errors() -> Iterator[None]:
    """Turn ``LhaError`` and file errors raised inside into ``RequestError`` with their line."""
    try:
        yield
    except ThreadNotFound as err:
        raise RequestError.resource_not_found(str(err)) from None
    except LhaError as err:
        raise RequestError.invalid_params({"message": str(err)}) from None
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        message = f"{where}{(err.strerror or str(err)).lower()}"
        raise RequestError.internal_error({"message": message}) from None


def unknown_session(session_id: str) -> RequestError:
    return RequestError.resource_not_found(
        f"no open session {session_id!r}; create one with session/new or open it with session/load"
    )
