"""Run a Python module (or script) as ``__main__`` and exit the moment lha is gone.

This file is executed by path in the child process (``python -P guard.py PARENT_PID TARGET
ARGS...``), so it imports nothing from lha. Its standard input is the read end of a pipe whose
write end only the lha process holds (a "lifeline"). Whenever lha ends — a clean exit, a crash,
SIGKILL — the kernel closes that end, the read below returns EOF and this process exits at
once. That is what keeps a model server from outliving lha even though it runs in its own
process group (so a Ctrl-C aimed at lha's terminal does not hit it). On Linux, PR_SET_PDEATHSIG
is set as well, as a second line of defence that needs no thread to be scheduled.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading


def _exit_with_parent(parent_pid: int) -> None:
    """Ask the kernel for SIGKILL when the parent dies (Linux only; best effort)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)


def _watch_lifeline() -> None:
    """Block on stdin until EOF: lha closed the lifeline or died. Then leave immediately."""
    try:
        while os.read(0, 1024):
            pass
    except OSError:
        pass
    os._exit(0)


def main() -> None:
    parent_pid, target, *args = sys.argv[1:]
    _exit_with_parent(int(parent_pid))
    threading.Thread(target=_watch_lifeline, name="lha-lifeline", daemon=True).start()
    sys.argv = [target, *args]
    if target.endswith(".py"):
        runpy.run_path(target, run_name="__main__")
    else:
        runpy.run_module(target, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
