"""The registry: model names to shared backends, built lazily from settings."""

from __future__ import annotations

import dataclasses

import pytest

from relay.settings import Settings
from watcher.backends.base import BackendError, BackendRequest
from watcher.backends.claude import ClaudeBackend
from watcher.backends.echo import EchoBackend
from watcher.backends.local import LocalBackend
from watcher.backends.openai import OpenAIBackend
from watcher.backends.registry import BackendRegistry


@pytest.fixture
def routed(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        openai_base_url="http://127.0.0.1:9/v1",
        openai_models="gpt-=https://api.openai.com/v1,meta/=http://127.0.0.1:9/v1",
    )


def test_models_lists_the_catalog_for_the_ui(routed: Settings) -> None:
    assert BackendRegistry(routed).models() == [
        "local",
        "echo",
        "claude",
        "openai",
        "gpt-",
        "meta/",
    ]


def test_unknown_model_is_an_error_listing_the_configured_ones(routed: Settings) -> None:
    with pytest.raises(BackendError) as failure:
        BackendRegistry(routed).backend_for("llama-9000")
    assert str(failure.value) == (
        "unknown model 'llama-9000'; configured: local, echo, claude, openai, gpt-*, meta/*"
    )


def test_each_model_gets_its_kind_of_backend(routed: Settings) -> None:
    registry = BackendRegistry(routed)
    assert isinstance(registry.backend_for("echo"), EchoBackend)
    assert isinstance(registry.backend_for("claude"), ClaudeBackend)
    assert isinstance(registry.backend_for("local"), LocalBackend)
    assert isinstance(registry.backend_for("gpt-4o"), OpenAIBackend)


def test_one_backend_per_kind_is_shared_by_all_its_models(routed: Settings) -> None:
    registry = BackendRegistry(routed)
    assert registry.backend_for("gpt-4o") is registry.backend_for("meta/llama-3.1-8b")
    assert registry.backend_for("openai") is registry.backend_for("gpt-4o")
    assert registry.backend_for("echo") is registry.backend_for("echo")


async def test_echo_streams_through_the_registry(settings: Settings) -> None:
    registry = BackendRegistry(dataclasses.replace(settings, echo_interval_ms=0))
    backend = registry.backend_for("echo")
    req = BackendRequest(job_id="j", prompt="one two", project="p", model="echo")
    assert [o.text async for o in backend.stream(req)] == ["one ", "two"]
    await registry.aclose()


async def test_warm_up_loads_the_local_model_when_it_is_the_default(settings: Settings) -> None:
    registry = BackendRegistry(dataclasses.replace(settings, default_model="local"))
    await registry.warm_up()
    backend = registry.backend_for("local")
    assert isinstance(backend, LocalBackend) and backend.loaded
    await registry.aclose()
    assert not backend.loaded


async def test_warm_up_loads_nothing_when_another_model_is_the_default(
    settings: Settings,
) -> None:
    registry = BackendRegistry(dataclasses.replace(settings, default_model="echo"))
    await registry.warm_up()
    local = registry.backend_for("local")
    assert isinstance(local, LocalBackend) and not local.loaded
    await registry.aclose()
