"""Helpers for the backend tests: the fake API as a process, process-group checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

FAKES = Path(__file__).resolve().parent.parent / "fakes"
FAKE_CLAUDE = FAKES / "fake_claude.py"
FAKE_OPENAI = FAKES / "fake_openai.py"


class FakeOpenAIServer:
    """A running ``fake_openai.py`` process and its control endpoints."""

    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}/v1"

    def stats(self) -> dict[str, Any]:
        """Chat connections accepted, requests, and the last request (body, headers)."""
        url = f"http://127.0.0.1:{self.port}/_fake/stats"
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.load(response)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=5)


def start_fake_openai(port: int = 0) -> FakeOpenAIServer:
    """Start the fake API as its own process; return once it listens."""
    process = subprocess.Popen(
        [sys.executable, str(FAKE_OPENAI), "--port", str(port), "--token-delay-ms", "2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"fake_openai did not start: {line!r}")
    return FakeOpenAIServer(process, int(line.split()[-1]))


def is_running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie awaiting its reaper counts as gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def live_group_members(pgid: int) -> list[int]:
    """Pids of the live processes in process group ``pgid``."""
    members = []
    for pid in psutil.pids():
        try:
            if os.getpgid(pid) == pgid and is_running(pid):
                members.append(pid)
        except ProcessLookupError:
            continue
    return members


def wait_until(condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
