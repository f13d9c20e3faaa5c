"""The real Codex CLI as the bench's anchor: found or installed, and pointed at the scripted server.

Absolute times on a shared machine drift, so lha's exec figures are ratios to the Codex CLI doing
the same work in the same run. The CLI is ``$LHA_BENCH_CODEX``, else the copy at
``DEFAULT_CODEX``, else one ``npm install``-ed into a cache folder when npm exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.bench.process_run import ProcessRun, run_measured

CODEX_VERSION = "0.169.0"
DEFAULT_CODEX = Path("/tmp/codex-cli/node_modules/.bin/codex")
INSTALL_DIR = Path.home() / ".cache" / "lha-bench" / f"codex-{CODEX_VERSION}"
KEY_VARIABLE = "LHA_BENCH_CODEX_KEY"
"""The env var the Codex CLI reads its (dummy) API key from; the scripted server ignores it."""


def find_codex() -> tuple[Path | None, str]:
    """(the CLI, how it was found) or (None, why it is not available)."""
    named = os.environ.get("LHA_BENCH_CODEX")
    if named:
        path = Path(named)
        return (path, "$LHA_BENCH_CODEX") if path.is_file() else (None, f"{named} is not a file")
    for candidate in (DEFAULT_CODEX, INSTALL_DIR / "node_modules" / ".bin" / "codex"):
        if candidate.is_file():
            return candidate, str(candidate)
    npm = shutil.which("npm")
    if npm is None:
        return None, "not installed and npm is missing"
    done = subprocess.run(
        [npm, "install", "--prefix", str(INSTALL_DIR), f"@openai/codex@{CODEX_VERSION}"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    installed = INSTALL_DIR / "node_modules" / ".bin" / "codex"
    if done.returncode != 0 or not installed.is_file():
        return None, f"npm install failed: {done.stderr.strip()[-200:]}"
    return installed, f"npm-installed in {INSTALL_DIR}"


def codex_version(binary: Path) -> str:
    done = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or done.stderr.strip()


@dataclass(frozen=True)
class CodexCli:
    """The CLI with a private CODEX_HOME, talking the Responses API to ``base_url``."""

    binary: Path
    home: Path
    base_url: str
    model: str

    def _config_args(self) -> list[str]:
        provider = (
            f'{{name="Scripted", base_url="{self.base_url}", wire_api="responses", '
            f'env_key="{KEY_VARIABLE}"}}'
        )
        return [
            "--skip-git-repo-check",
            "-c",
            "model_provider=scripted",
            "-c",
            f"model_providers.scripted={provider}",
            "-m",
            self.model,
        ]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        env.update(CODEX_HOME=str(self.home), **{KEY_VARIABLE: "sk-bench-dummy"})
        return env

    def run(self, args: list[str], cwd: Path) -> ProcessRun:
        """``codex exec ARGS...`` with the scripted provider: the command a user types."""
        self.home.mkdir(parents=True, exist_ok=True)
        head, rest = (args[:1], args[1:]) if args and args[0] in ("resume", "fork") else ([], args)
        argv = [str(self.binary), "exec", *head, *self._config_args(), *rest]
        return run_measured(argv, self.env(), cwd)

    def sessions(self) -> list[Path]:
        return sorted((self.home / "sessions").rglob("rollout-*.jsonl"))
