"""Run a Python module (or script) as ``__main__`` and exit the moment lha is gone.

This file is executed by path in the child process (``python -P guard.py OWNER_PID TARGET
ARGS...``; the owner's pid is there for ``ps`` readers), so it imports nothing from lha. Its
standard input is the read end of a pipe whose write end only the lha process holds (a
"lifeline", close-on-exec, so no other child of lha inherits it). Whenever lha ends — a clean
exit, a crash, SIGKILL — the kernel closes that end, the read below returns EOF and this process
exits at once. That keeps a model server from outliving lha even though it runs in its own
process group (so a Ctrl-C aimed at lha's terminal does not hit it).

PR_SET_PDEATHSIG is deliberately not used: it fires when the *thread* that started the child
exits, which would kill a healthy server started from a short-lived worker thread.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading


def _watch_lifeline() -> None:
    """Block on stdin until EOF: lha closed the lifeline or died. Then leave immediately."""
    try:
        while os.read(0, 1024):
            pass
    except OSError:
        pass
    os._exit(0)


def main() -> None:
    _owner_pid, target, *args = sys.argv[1:]
    threading.Thread(target=_watch_lifeline, name="lha-lifeline", daemon=True).start()
    sys.argv = [target, *args]
    if target.endswith(".py"):
        runpy.run_path(target, run_name="__main__")
    else:
        runpy.run_module(target, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
