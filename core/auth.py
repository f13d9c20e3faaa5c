"""Who lha talks to providers as: the API key saved by ``lha login``, and key resolution.

The key lives in exactly one file, ``LHA_HOME/auth.json`` (0600, folder 0700), or in the
environment variable a provider names. It must never reach a log, a rollout, an event or a repr:
``LhaAuth`` hides it and this module never formats it into a message.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from core.config.home import lha_home_dir
from core.errors import ConfigError, EnvVarError, InvalidRequest, LhaError
from core.fs import UnreadableFileError, read_regular_file, write_private_file
from core.llm.providers.endpoint import RuntimeEndpoint
from core.llm.providers.endpoint_checks import is_sendable_text

log = logging.getLogger("lha.auth")

AUTH_FILE_NAME = "auth.json"
AUTH_KEY_FIELD = "OPENAI_API_KEY"
DEFAULT_KEY_VAR = "OPENAI_API_KEY"
AUTH_MAX_BYTES = 64 * 1024


class LhaAuth:
    """Credentials for a provider: for now an API key (the Codex CLI's ``CodexAuth::ApiKey``)."""

    __slots__ = ("_api_key",)

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    @classmethod
    def from_api_key(cls, api_key: str) -> LhaAuth:
        return cls(api_key)

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def mode(self) -> str:
        """``apikey``; the value auth.json's ``auth_mode`` uses in the Codex CLI."""
        return "apikey"

    def __repr__(self) -> str:
        return "LhaAuth(api_key=<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LhaAuth) and other._api_key == self._api_key

    def __hash__(self) -> int:
        return hash((LhaAuth, self._api_key))


class AuthManager:
    """Loads auth.json once (lazily), caches it, and saves or removes it on login/logout.

    Safe to share between threads of the event loop and worker threads: a small lock guards the
    cached value.
    """

    def __init__(self, lha_home: Path | None) -> None:
        self._lha_home = lha_home
        self._lock = threading.Lock()
        self._loaded = False
        self._auth: LhaAuth | None = None
        self._testing = False

    @classmethod
    def from_auth_for_testing(cls, auth: LhaAuth | None) -> AuthManager:
        """A manager that holds ``auth`` in memory and never reads or writes a file."""
        manager = cls(None)
        manager._auth = auth
        manager._loaded = True
        manager._testing = True
        return manager

    @property
    def lha_home(self) -> Path | None:
        return self._lha_home

    @property
    def auth_file(self) -> Path | None:
        return self._lha_home / AUTH_FILE_NAME if self._lha_home is not None else None

    def auth(self) -> LhaAuth | None:
        """The saved credentials, or ``None`` when nobody logged in (read on first use)."""
        with self._lock:
            if not self._loaded:
                self._auth = self._read()
                self._loaded = True
            return self._auth

    def reload(self) -> bool:
        """Read auth.json again (another lha process may have logged in); True if it changed."""
        if self._testing:
            return False
        fresh = self._read()
        with self._lock:
            changed = fresh != self._auth
            self._auth = fresh
            self._loaded = True
        return changed

    def login_with_api_key(self, api_key: str) -> None:
        """Save ``api_key`` to auth.json (atomic, 0600; LHA_HOME created 0700)."""
        key = api_key.strip()
        if not key:
            raise InvalidRequest("the API key is empty; paste the key on standard input")
        check_api_key(key)
        path = self.auth_file
        if path is not None and not self._testing:
            lha_home_dir(path.parent)
            write_private_file(path, json.dumps({AUTH_KEY_FIELD: key}, indent=2) + "\n")
        with self._lock:
            self._auth = LhaAuth(key)
            self._loaded = True

    def logout(self) -> bool:
        """Forget the saved key and delete auth.json; False when there was nothing to remove."""
        removed = False
        path = self.auth_file
        if path is not None and not self._testing:
            try:
                path.unlink()
                removed = True
            except FileNotFoundError:
                pass
            except OSError as err:
                reason = "it is a folder" if path.is_dir() else (err.strerror or str(err))
                raise LhaError(
                    f"{path}: cannot remove the saved key ({reason}); remove it by hand"
                ) from None
        with self._lock:
            removed = removed or self._auth is not None
            self._auth = None
            self._loaded = True
        return removed

    def _read(self) -> LhaAuth | None:
        path = self.auth_file
        if path is None:
            return None
        try:
            raw = read_regular_file(path, max_bytes=AUTH_MAX_BYTES)
        except FileNotFoundError:
            return None
        except UnreadableFileError as err:
            log.warning("%s; ignoring it (remove it, then run `lha login` again)", err)
            return None
        _warn_if_others_can_read(path)
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            # Never include the content: it may be a half-written key.
            log.warning("%s is not JSON; ignoring it (run `lha login` again)", path)
            return None
        key = data.get(AUTH_KEY_FIELD) if isinstance(data, dict) else None
        if isinstance(key, str) and key.strip():
            return LhaAuth(key.strip())
        return None


def check_api_key(key: str) -> None:
    """Refuse what cannot be an API key (keys are printable ASCII without spaces): a key with a
    NUL, a space or a non-ASCII letter is a paste gone wrong, and would fail every request."""
    bad = next((char for char in key if not "!" <= char <= "~"), None)
    if bad is not None:
        raise InvalidRequest(
            f"the API key contains {_describe_char(bad)}; an API key is one word of printable "
            "ASCII: paste only the key"
        )


def _describe_char(char: str) -> str:
    if char == " ":
        return "a space"
    if char in "\r\n":
        return "more than one line"
    return f"the character U+{ord(char):04X}"


def _warn_if_others_can_read(path: Path) -> None:
    """Say once per process when auth.json is readable by other users (it holds a secret)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & 0o044 and path not in _WARNED_OPEN_FILES:
        _WARNED_OPEN_FILES.add(path)
        log.warning(
            "%s can be read by other users; run `chmod 600 %s` to keep the key private",
            path,
            path,
        )


_WARNED_OPEN_FILES: set[Path] = set()


def resolve_api_key(provider: RuntimeEndpoint, auth_manager: AuthManager | None) -> str | None:
    """The key to send to ``provider``, or ``None`` when it needs none.

    Order: the provider's ``env_key`` variable when set and non-blank; else, for a provider with
    ``requires_auth`` (OpenAI), the key saved by ``lha login``. When such a
    provider has neither, raise ``EnvVarError`` naming the variable to set. Providers with no
    ``env_key`` and no ``requires_auth`` (Ollama, LM Studio, the embedded model) need no key.
    """
    if provider.env_key:
        value = os.environ.get(provider.env_key, "")
        if value.strip():
            return _sendable_key(value.strip(), f"the environment variable {provider.env_key}")
    if not (provider.env_key or provider.requires_auth):
        return None
    # The saved key is an OpenAI key: only providers that ask for it (requires_auth) get it, so
    # a third-party server with an unset env_key never receives the user's OpenAI key.
    auth = auth_manager.auth() if auth_manager is not None and provider.requires_auth else None
    if auth is not None:
        where = f"the key saved in {auth_manager.auth_file}" if auth_manager else "the saved key"
        return _sendable_key(auth.api_key, where)
    raise EnvVarError(provider.env_key or DEFAULT_KEY_VAR, provider.env_key_instructions)


def _sendable_key(key: str, where: str) -> str:
    """``key`` when it can go into an HTTP header; else a one-line error naming ``where`` it
    came from (never the key itself: a pasted key with a stray character is still secret)."""
    if is_sendable_text(key):
        return key
    raise ConfigError(
        f"{where} holds characters an API key cannot have (only printable ASCII); "
        "set it again (`lha login --with-api-key` reads a key from stdin)"
    )
