"""The real Claude Code CLI for tests, and the fake Anthropic API it talks to.

The CLI is the npm package pinned in ``tests/claude_cli/package.json`` (lockfile
beside it), installed there by ``scripts/setup.sh`` (``npm ci``). It runs with only
``HOME`` (a fresh folder: no login, no settings), ``ANTHROPIC_BASE_URL`` (the fake API)
and ``ANTHROPIC_API_KEY`` besides ``PATH``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLI_DIR = ROOT / "tests" / "claude_cli"
CLAUDE_CLI = CLI_DIR / "node_modules" / ".bin" / "claude"
FAKE_ANTHROPIC = ROOT / "tests" / "fakes" / "fake_anthropic.py"
TRANSCRIPTS = ROOT / "tests" / "fakes" / "transcripts"
_install_lock = threading.Lock()


def pinned_version() -> str:
    """The CLI version the lockfile pins."""
    package = json.loads((CLI_DIR / "package.json").read_text())
    return str(package["dependencies"]["@anthropic-ai/claude-code"])


def require_cli() -> Path:
    """The installed CLI's path, installed now (``npm ci``) if missing and npm is here.

    scripts/setup.sh installs it for ``make test``; this covers a checkout whose set-up
    has not run (a second worktree). Without npm it is a clear failure, never a skip.
    """
    if not os.access(CLAUDE_CLI, os.X_OK) and shutil.which("npm"):
        with _install_lock:
            if not os.access(CLAUDE_CLI, os.X_OK):
                subprocess.run(
                    ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                    cwd=CLI_DIR,
                    check=True,
                    timeout=600,
                )
    if not os.access(CLAUDE_CLI, os.X_OK):
        raise RuntimeError(
            f"the Claude Code CLI is not installed at {CLAUDE_CLI}: run scripts/setup.sh "
            "(it runs `npm ci` in tests/claude_cli; npm comes from apt)"
        )
    return CLAUDE_CLI


class FakeAnthropic:
    """A running ``fake_anthropic.py`` and the log of the requests it answered."""

    def __init__(self, log: Path, token_delay_ms: float = 5) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(FAKE_ANTHROPIC),
                "--port",
                "0",
                "--log",
                str(log),
                "--token-delay-ms",
                str(token_delay_ms),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"fake_anthropic did not start: {line!r}")
        self.base_url = f"http://127.0.0.1:{int(line.split()[-1])}"

    def requests(self) -> list[dict[str, Any]]:
        """Every request so far, oldest first (the CLI's own title requests included)."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def turns(self) -> list[dict[str, Any]]:
        """The requests of the conversation itself (they carry tools)."""
        return [r for r in self.requests() if r.get("tools")]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=5)


def cli_environment(home: Path, api: FakeAnthropic) -> dict[str, str]:
    """The whole environment the CLI gets: nothing of the developer's own set-up."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ANTHROPIC_BASE_URL": api.base_url,
        "ANTHROPIC_API_KEY": "sk-ant-fake-key-for-tests",
    }
