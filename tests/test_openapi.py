"""docs/openapi.yaml describes the whole API: every route of the app, nothing else.

What each answer looks like is checked against the real stack by
``tests/integration/test_fuzz.py``; this file checks the document itself.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from falcon import inspect

from app.app import create_app
from relay.settings import Settings
from tests.support.openapi import HTTP_METHODS, OPENAPI_PATH, load_openapi, resolved


def app_operations(tmp_path: Path) -> set[tuple[str, str]]:
    """(method, route template) for every responder the app really has."""
    app = create_app(Settings(state_dir=tmp_path))
    return {
        (method.method, route.path)
        for route in inspect.inspect_routes(app)
        for method in route.methods
        if not method.internal
    }


def documented_operations() -> set[tuple[str, str]]:
    doc = load_openapi()
    return {
        (method.upper(), path)
        for path, item in doc["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def test_the_document_is_openapi_3_1() -> None:
    doc = load_openapi()
    assert doc["openapi"].startswith("3.1.")
    assert OPENAPI_PATH.name == "openapi.yaml"
    operation_ids = [
        op["operationId"]
        for item in doc["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_route_of_the_app_is_documented_and_nothing_else(tmp_path: Path) -> None:
    assert app_operations(tmp_path) == documented_operations()


def test_every_schema_is_valid_json_schema_2020_12() -> None:
    doc = resolved(load_openapi())
    for item in doc["paths"].values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            schemas = [media["schema"] for media in body.values()]
            schemas += [p["schema"] for p in operation.get("parameters", [])]
            for response in operation["responses"].values():
                schemas += [m["schema"] for m in response.get("content", {}).values()]
            for schema in schemas:
                jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("schema", "valid", "invalid"),
    [
        ("Project", ["p", "a.b-c_d", "x" * 64], ["", "evil\n", "..", "x" * 65, "a b"]),
        ("JobId", ["A" * 16, "a-_" * 10], ["A" * 15, "A" * 16 + "\n", "A" * 65]),
        ("Sequence", ["0", "123"], ["", "\u00b2", "-1", "1" * 13]),
    ],
)
def test_documented_patterns_agree_with_the_app(
    schema: str, valid: list[str], invalid: list[str]
) -> None:
    from app import validation

    check = {"Project": validation.project, "JobId": validation.job_id}.get(schema)
    validator = jsonschema.Draft202012Validator(load_openapi()["components"]["schemas"][schema])
    for value in valid:
        assert validator.is_valid(value), value
        if check:
            check(value)
    for value in invalid:
        # JSON Schema's "$" is ECMA's: no match before a trailing newline, like fullmatch.
        assert not validator.is_valid(value), value
        if check:
            with pytest.raises(Exception, match="400"):
                check(value)
