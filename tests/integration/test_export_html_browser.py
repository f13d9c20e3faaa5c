"""The HTML export in a real headless Chromium (Debian's ``chromium``): it renders as a readable
page (asserted on a screenshot's pixels), shows hostile markup as text, and fetches nothing."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_cli_exec import lha, write_config
from tests.integration.test_export_cli import SECRET, assert_clean
from tests.support.png import Image, read_png
from tests.support.scripted_server import Reply, ScriptedServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)
WIDTH, HEIGHT = 900, 1200
HEADER_DARK = (0x1D, 0x23, 0x30)
USER_BLUE = (0xDB, 0xE9, 0xFF)


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Canary.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canary() -> Iterator[int]:
    """A local HTTP server that records every request: the page must never reach it."""
    _Canary.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on ``page``; host names resolve to nothing (no network by name)."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # tests may run as root, where Chromium's own sandbox refuses to start
        "--disable-gpu",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        f"--window-size={WIDTH},{HEIGHT}",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def colour_near(image: Image, y: int, colour: tuple[int, int, int], within: int = 6) -> bool:
    return any(
        all(abs(a - b) <= within for a, b in zip(image.rgb(x, y), colour, strict=True))
        for x in range(0, image.width, 7)
    )


def test_html_export_renders_in_chromium_and_fetches_nothing(
    tmp_path: Path, scripted_server_thread: ScriptedServer, canary: int
) -> None:
    home = tmp_path / "lha-home"
    write_config(home, scripted_server_thread)
    leak = f"http://127.0.0.1:{canary}/leak"
    prompt = f'<img src="{leak}"><script>fetch("{leak}")</script> hello browser {SECRET}'
    scripted_server_thread.enqueue(Reply.text(f"An answer for the page. ![x]({leak})"))
    assert lha(home, "exec", prompt).returncode == 0
    page = tmp_path / "thread.html"
    result = lha(home, "export", "--last", "-o", str(page))
    assert result.returncode == 0, result.stderr
    assert_clean(page.read_text())

    dom = chromium(page, tmp_path / "profile-dom", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "hello browser ***" in dom.stdout and "An answer for the page." in dom.stdout
    assert "&lt;img src=" in dom.stdout and "<img" not in dom.stdout, "markup shown as text"
    assert "<script" not in dom.stdout

    shot = tmp_path / "shot.png"
    taken = chromium(page, tmp_path / "profile-shot", f"--screenshot={shot}")
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    image = read_png(shot.read_bytes())
    assert (image.width, image.height) == (WIDTH, HEIGHT)
    assert colour_near(image, 40, HEADER_DARK), "the dark header band is at the top"
    assert any(colour_near(image, y, USER_BLUE) for y in range(150, 400, 5)), "a user message"
    distinct = {image.rgb(x, y) for y in range(0, HEIGHT, 4) for x in range(0, WIDTH, 4)}
    assert len(distinct) > 30, "text was drawn (anti-aliased glyphs), not a blank page"
    assert _Canary.hits == [], "the page made a request"
