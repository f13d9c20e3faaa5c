"""A stand-in for ``llama_cpp.server``, started exactly the way lha starts the real one.

Accepts the same command line (``--port`` matters, the rest is ignored) and serves
``GET /v1/models`` and a streamed ``POST /v1/chat/completions`` without usage, one token per
chunk, like llama.cpp. Fault switches come from the environment of the lha process
(``FAKE_LOCAL_*``), so tests need no command-line changes:

- ``FAKE_LOCAL_EXIT=N``: print an error and exit N at once;
- ``FAKE_LOCAL_PORT_TAKEN=PATH``: the first start (PATH absent) fails like a port clash;
- ``FAKE_LOCAL_NEVER_READY=1``: listen but answer 503 forever;
- ``FAKE_LOCAL_STATS=PATH``: write the highest number of concurrent chat requests seen.

Standard library only: it must start fast and run without the lha[local] extra.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = ["Hello", " from", " the", " fake", " model", "."]
_lock = threading.Lock()
_active = 0
_peak = 0


def _record(delta: int) -> None:
    global _active, _peak
    with _lock:
        _active += delta
        _peak = max(_peak, _active)
        stats = os.environ.get("FAKE_LOCAL_STATS")
        if stats and delta > 0:  # written before the answer starts, atomically
            with open(stats + ".tmp", "w", encoding="utf-8") as f:
                f.write(str(_peak))
            os.replace(stats + ".tmp", stats)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"fake: {format % args}\n")

    def _json(self, status: int, body: object) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        if os.environ.get("FAKE_LOCAL_NEVER_READY"):
            self._json(503, {"error": "loading"})
        elif self.path == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": "smollm2-135m"}]})
        else:
            self._json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path != "/v1/chat/completions":
            self._json(404, {"detail": "Not Found"})
            return
        _record(+1)
        done = False
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            turns = sum(1 for m in body.get("messages", []) if m.get("role") == "user")
            chunks = [{"role": "assistant"}] + [{"content": t} for t in [*ANSWER, f" #{turns}"]]
            for delta in chunks:
                time.sleep(0.02)
                self._event({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
            self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            # The request ends here for the count: once [DONE] is out, the client may send its
            # next request before this thread gets to run again.
            done = True
            _record(-1)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        finally:
            if not done:
                _record(-1)

    def _event(self, chunk: dict[str, object]) -> None:
        frame = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", **chunk}
        self.wfile.write(f"data: {json.dumps(frame)}\n\n".encode())
        self.wfile.flush()


def main() -> None:
    args = sys.argv[1:]
    port = int(args[args.index("--port") + 1])
    code = os.environ.get("FAKE_LOCAL_EXIT")
    if code:
        print("fake: failed to load model from file", file=sys.stderr)
        raise SystemExit(int(code))
    marker = os.environ.get("FAKE_LOCAL_PORT_TAKEN")
    if marker and not os.path.exists(marker):
        open(marker, "w").close()
        print(
            f"ERROR: [Errno 98] error while attempting to bind on address "
            f"('127.0.0.1', {port}): address already in use",
            file=sys.stderr,
        )
        raise SystemExit(1)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"fake: listening on {port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
