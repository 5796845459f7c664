"""Model routes: their own base URL, key variable, upstream model; the cache key's scope."""

from __future__ import annotations

import dataclasses

import pytest

from relay.models import ModelRoute, parse_routes, resolve, upstream_scope
from relay.response_cache import answer_key
from relay.settings import Settings


def test_a_route_names_its_base_url_key_variable_model_and_budget() -> None:
    routes = parse_routes(
        "gpt-=https://api.openai.com/v1;key=OPENAI_API_KEY,"
        " llama = http://127.0.0.1:8088/v1;model=smollm2;context=2048;max_tokens=64"
    )
    assert routes == [
        ModelRoute("gpt-", "openai", "https://api.openai.com/v1", True, "OPENAI_API_KEY"),
        ModelRoute("llama", "openai", "http://127.0.0.1:8088/v1", False, "", "smollm2", 2048, 64),
    ]
    assert routes[0].upstream_model_for("gpt-4o") == "gpt-4o"  # a prefix forwards the name
    assert routes[1].upstream_model_for("llama") == "smollm2"


@pytest.mark.parametrize("spec", ["x=http://h/v1;colour=red", "x=http://h/v1;context=big"])
def test_a_bad_route_option_is_refused_with_its_name(spec: str) -> None:
    with pytest.raises(ValueError, match="RELAY_OPENAI_MODELS"):
        parse_routes(spec)


def test_the_cache_key_changes_with_the_upstream_base_url_and_model() -> None:
    base = dataclasses.replace(
        Settings(), openai_base_url="http://127.0.0.1:9000/v1", openai_model="model-a"
    )
    other_model = dataclasses.replace(base, openai_model="model-b")
    other_url = dataclasses.replace(base, openai_base_url="http://127.0.0.1:9001/v1")

    def key(settings: Settings) -> str:
        return answer_key(upstream_scope(settings, "openai"), "", "p", 0, "", "hello")

    assert len({key(base), key(other_model), key(other_url)}) == 3
    assert key(base) == key(dataclasses.replace(base))  # and stays put otherwise
    # Routes served by other backends keep their plain name as the scope.
    assert upstream_scope(base, "echo") == "echo"


def test_the_default_route_reads_openai_api_key_and_other_routes_only_their_own() -> None:
    settings = dataclasses.replace(
        Settings(), openai_base_url="http://a/v1", openai_models="mine-=http://b/v1"
    )
    assert resolve(settings, "openai").api_key_env == "OPENAI_API_KEY"
    assert resolve(settings, "mine-x").api_key_env == ""
