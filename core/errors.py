"""Typed errors of the engine.

Every failure a user can cause or meet (a corrupt rollout, an unknown thread, a missing key, an
unreachable provider) is an ``LhaError`` whose ``str()`` is one line that says what happened and
what to do. Front ends print that line; they never show a traceback for an ``LhaError``.
"""

from __future__ import annotations

from core.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class LhaError(Exception):
    """Base of every error the engine reports to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ThreadNotFound(LhaError):
    """No live thread has this id."""

    def __init__(self, thread_id: str) -> None:
        super().__init__(f"no thread with id {thread_id}; `lha threads` lists the known ones")
        self.thread_id = thread_id


class SessionConfiguredNotFirstEvent(LhaError):
    """A spawned agent's first event was not ``session_configured``."""

    def __init__(self) -> None:
        super().__init__(
            "the agent's first event was not session_configured; the thread was not started"
        )


class InternalAgentDied(LhaError):
    """The agent task ended while someone still talked to it."""

    def __init__(self) -> None:
        super().__init__("the agent task has stopped; start or resume the thread again")


class RolloutError(LhaError):
    """A rollout file cannot be used (missing, empty, no session_meta, unreadable)."""

    def __init__(self, path: Path | str, problem: str) -> None:
        from pathlib import Path  # not at the top: ``lha search`` loads this module, not pathlib

        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


class SessionLocked(LhaError):
    """The session's rollout is being written by another open thread (one writer per file).

    ``pid`` and ``command`` name the holder when it left its note; ``same_process`` says the
    holder is this very process (another ThreadManager, or the same thread opened twice);
    ``path`` is the rollout, which may still be read (and forked)."""

    def __init__(
        self,
        thread_id: str,
        *,
        pid: int | None = None,
        command: str | None = None,
        same_process: bool = False,
        path: Path | None = None,
    ) -> None:
        if same_process:
            where = "already open in this lha"
        elif pid is not None:
            where = f"open in another lha (pid {pid}{f', `{command}`' if command else ''})"
        else:
            where = "open in another lha process"
        super().__init__(
            f"session {thread_id} is {where}; one process writes a session at a time: close it "
            f"there, or fork it: `lha fork {thread_id}` (`lha exec fork {thread_id} PROMPT`)"
        )
        self.thread_id = thread_id
        self.pid = pid
        self.command = command
        self.same_process = same_process
        self.path = path


class InvalidRequest(LhaError):
    """The caller asked for something impossible (a negative fork index, a bad argument)."""


class ConfigError(LhaError):
    """config.toml or a ``-c`` override is wrong."""


class EnvVarError(LhaError):
    """The provider needs a key that is not set."""

    def __init__(self, var: str, instructions: str | None = None) -> None:
        hint = f" {instructions}" if instructions else ""
        super().__init__(
            f"missing API key: set the environment variable {var} "
            f"(or run `lha login --with-api-key`).{hint}".rstrip()
        )
        self.var = var


class ProviderError(LhaError):
    """The model provider failed; ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class UnauthorizedError(ProviderError):
    """The provider rejected the key (401/403)."""


class ProviderUnreachable(ProviderError):
    """The provider could not be reached at all (connection refused, DNS, TLS)."""


class StreamError(ProviderError):
    """The response stream was cut, stalled or malformed."""


class TryLockError(LhaError):
    """A ``try_*`` call found a refresh holding the lock; call again later or use the async form."""

    def __init__(self) -> None:
        super().__init__("the model catalog is being refreshed; try again in a moment")
