"""The real launcher (``python -m launcher``) as a test process."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil

from launcher import stack
from relay.settings import Settings
from tests.support.processes import ManagedProcess


class LauncherProcess(ManagedProcess):
    """``python -m launcher`` with ``settings`` as its environment; ready once it says so."""

    ready_timeout_s = 90.0

    def __init__(self, settings: Settings, log_dir: Path, wait_until_up: bool = True) -> None:
        self.settings = settings
        self.wait_until_up = wait_until_up
        command = stack.Command("launcher", [sys.executable, "-m", "launcher"], env_for(settings))
        super().__init__(command, log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def is_ready(self) -> bool:
        return not self.wait_until_up or "Relay is up at" in self.output()

    def stack_processes(self) -> list[psutil.Process]:
        """Every process the launcher started, workers included."""
        return psutil.Process(self.pid).children(recursive=True)

    def part(self, name: str) -> psutil.Process:
        """The one direct child whose command line names ``name`` (e.g. ``redis-server``)."""
        found = [p for p in psutil.Process(self.pid).children() if name in " ".join(p.cmdline())]
        if len(found) != 1:
            raise LookupError(f"{len(found)} launcher children named {name!r}")
        return found[0]


def env_for(settings: Settings) -> dict[str, str]:
    """The launcher's environment: ``settings`` as variables, a private Redis."""
    return stack.base_env(settings)
