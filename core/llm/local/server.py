"""One shared local model server per process: started on demand, ready-checked, stopped at exit.

Every thread of an lha process talks to the same server (it holds the model in memory, ~290 MB),
so servers live in a process-wide registry keyed by what they run. The first request starts the
server on a free loopback port and waits for ``GET /v1/models``; later ones reuse it, and a server
that died is started again. ``atexit`` stops them all; if lha dies without running atexit, the
guard's lifeline stops the server anyway (see ``guard.py``).

llama.cpp's server computes one request at a time, so requests take turns through
``request_slot()`` rather than queueing inside the server, where the idle timeout of a waiting
stream would already be running.

The registry is guarded by a threading lock (tests and front ends may run several event loops
over a process's life); readiness is awaited on the caller's loop, and the request slot is one
``asyncio.Lock`` per loop.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import logging
import os
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from core.llm.local import CONTEXT_WINDOW, MODEL_ALIAS
from core.llm.local.availability import SERVER_MODULE, LocalModelError, require_model
from core.llm.local.process import GuardedProcess, free_port, spawn_guarded, stop_guarded

log = logging.getLogger("lha.local_model")

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 60.0
"""Measured ready in 0.8 s on 2 cores; the margin is for a loaded or slow machine."""
POLL_INTERVAL_S = 0.05
PORT_ATTEMPTS = 3
"""A free port can be taken between choosing it and the server binding it: try a new one."""
_PORT_TAKEN = "address already in use"


@dataclass(frozen=True)
class ServerSpec:
    """What to run: a module (or ``.py`` path) and its arguments, ``{port}`` filled in at start."""

    key: str
    target: str
    args: tuple[str, ...]
    startup_timeout_s: float = STARTUP_TIMEOUT_S
    env_defaults: tuple[tuple[str, str], ...] = ()
    """Environment variables for the server unless lha's own environment sets them."""

    def argv(self, port: int) -> list[str]:
        return [arg.replace("{port}", str(port)) for arg in self.args]


def cpu_threads() -> int:
    """Cores this process may use (the server's default, half the cores, leaves speed unused)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def llama_server_spec(gguf: Path | None = None, threads: int | None = None) -> ServerSpec:
    """``python -m llama_cpp.server`` serving SmolLM2 as ``smollm2-135m`` on ``HOST:{port}``."""
    model = gguf if gguf is not None else require_model()
    args = (
        "--model", str(model),
        "--model_alias", MODEL_ALIAS,
        "--host", HOST,
        "--port", "{port}",
        "--n_threads", str(threads or cpu_threads()),
        "--n_ctx", str(CONTEXT_WINDOW),
    )  # fmt: skip
    # llama.cpp's OpenMP threads spin while they wait. On a machine whose cores are also busy
    # with lha itself or anything else, that collapsed decoding from 65 to 5-9 tokens/s
    # (measured on 2 cores); sleeping waits keep it at 40-60.
    env = (("OMP_WAIT_POLICY", "PASSIVE"),)
    return ServerSpec(key=f"llama:{model}", target=SERVER_MODULE, args=args, env_defaults=env)


class LocalServer:
    """One model server process (or none yet), its address, and the turn-taking lock."""

    _log_numbers = itertools.count(1)

    def __init__(self, spec: ServerSpec) -> None:
        self.spec = spec
        self._lock = threading.Lock()
        self._proc: GuardedProcess | None = None
        self._port = 0
        self._started_at = 0.0
        self._ready: GuardedProcess | None = None
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` of the current process (meaningful once ready)."""
        return f"http://{HOST}:{self._port}/v1"

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.alive() else None

    def request_slot(self) -> asyncio.Lock:
        """The lock a request holds while the server computes it (one per event loop)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            slot = self._slots.get(loop)
            if slot is None:
                slot = self._slots[loop] = asyncio.Lock()
            return slot

    async def ensure_ready(self) -> str:
        """Start the server if it is not running, wait until it answers; return its base URL.

        Raises ``LocalModelError`` (one line, with the log file) when it exits during start-up
        or does not answer within the spec's timeout.
        """
        for _ in range(PORT_ATTEMPTS):
            proc, port, started_at = self._running_or_start()
            if self._ready is proc:
                return self.base_url
            try:
                await _wait_until_ready(proc, port, started_at, self.spec.startup_timeout_s)
            except _PortTaken:
                self._discard(proc, keep_log=False)
                continue
            except LocalModelError:
                self._discard(proc, keep_log=True)
                raise
            with self._lock:
                if self._proc is proc:
                    self._ready = proc
                    log.info("local model server ready at %s (pid %d)", self.base_url, proc.pid)
            return f"http://{HOST}:{port}/v1"
        raise LocalModelError(
            f"the local model server found no free port after {PORT_ATTEMPTS} tries"
        )

    def _running_or_start(self) -> tuple[GuardedProcess, int, float]:
        with self._lock:
            proc = self._proc
            if proc is not None and proc.alive():
                return proc, self._port, self._started_at
            if proc is not None:  # it died since: keep its log for the curious, start afresh
                log.warning(
                    "local model server (pid %d) exited with code %s; starting it again "
                    "(its log: %s)",
                    proc.pid,
                    proc.popen.returncode,
                    proc.log_path,
                )
                stop_guarded(proc)
            self._port = free_port(HOST)
            log_path = _log_dir() / f"{LOG_PREFIX}{os.getpid()}-{next(self._log_numbers)}.log"
            try:
                env = {k: v for k, v in self.spec.env_defaults if k not in os.environ}
                argv = self.spec.argv(self._port)
                self._proc = spawn_guarded(self.spec.target, argv, log_path, env)
            except OSError as err:
                self._proc = None
                raise LocalModelError(f"cannot start the local model server: {err}") from None
            self._started_at = time.monotonic()
            self._ready = None
            return self._proc, self._port, self._started_at

    def _discard(self, proc: GuardedProcess, *, keep_log: bool) -> None:
        with self._lock:
            if self._proc is proc:
                self._proc = None
                self._ready = None
        stop_guarded(proc)
        if not keep_log:
            with contextlib.suppress(OSError):
                proc.log_path.unlink()

    def stop(self) -> None:
        """Stop the server (if any) and remove its log. Safe to call more than once."""
        with self._lock:
            proc, self._proc, self._ready = self._proc, None, None
        if proc is not None:
            stop_guarded(proc)
            with contextlib.suppress(OSError):
                proc.log_path.unlink()


class _PortTaken(Exception):
    pass


LOG_PREFIX = "lha-local-model-"
_swept = False


def _log_dir() -> Path:
    """The temp folder, cleared once per process of the logs of lha processes that are gone
    (a killed lha cannot remove its server's log itself)."""
    global _swept
    folder = Path(tempfile.gettempdir())
    if not _swept:
        _swept = True
        for old in folder.glob(f"{LOG_PREFIX}*.log"):
            owner = old.name.removeprefix(LOG_PREFIX).split("-", 1)[0]
            if owner.isdigit() and not _pid_alive(int(owner)):
                with contextlib.suppress(OSError):
                    old.unlink()
    return folder


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _wait_until_ready(
    proc: GuardedProcess, port: int, started_at: float, timeout_s: float
) -> None:
    """Poll ``GET /v1/models`` until it answers 200, the process exits, or the timeout."""
    import httpx

    deadline = started_at + timeout_s
    url = f"http://{HOST}:{port}/v1/models"
    async with httpx.AsyncClient(timeout=2.0, verify=False) as http:
        while True:
            if not proc.alive():
                tail = proc.log_tail(3)
                if _PORT_TAKEN in tail.lower():
                    raise _PortTaken()
                raise LocalModelError(
                    f"the local model server exited with code {proc.popen.returncode} while "
                    f"starting: {tail[-300:] or 'no output'} (log: {proc.log_path})"
                )
            with contextlib.suppress(httpx.HTTPError):
                response = await http.get(url)
                if response.status_code == 200:
                    return
            if time.monotonic() >= deadline:
                raise LocalModelError(
                    f"the local model server did not answer {url} within {timeout_s:g} s of "
                    f"starting; is the machine overloaded? (log: {proc.log_path})"
                )
            await asyncio.sleep(POLL_INTERVAL_S)


_servers: dict[str, LocalServer] = {}
_registry_lock = threading.Lock()


def shared_server(spec: ServerSpec) -> LocalServer:
    """The process's one server for ``spec.key`` (created, not started, on first use)."""
    with _registry_lock:
        server = _servers.get(spec.key)
        if server is None:
            if not _servers:
                atexit.register(stop_all)
            server = _servers[spec.key] = LocalServer(spec)
        return server


def stop_all() -> None:
    """Stop every server this process started (registered with ``atexit``)."""
    with _registry_lock:
        servers = list(_servers.values())
    for server in servers:
        server.stop()
