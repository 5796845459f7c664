"""Fixtures for driving the backends directly: settings, the fake CLI, the fake API."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from relay.settings import Settings

from .support import FAKE_CLAUDE, FakeOpenAIServer, start_fake_openai


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "local_model: runs the embedded SmolLM2 model (part of the normal suite)"
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose Claude CLI is the fake and whose projects live in tmp_path."""
    return dataclasses.replace(
        Settings(),
        projects_dir=tmp_path / "projects",
        claude_command=str(FAKE_CLAUDE),
        job_timeout_s=30.0,
        claude_kill_grace_s=2.0,
    )


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """The fake OpenAI-compatible API, a fresh process per test."""
    server = start_fake_openai()
    yield server
    server.stop()
