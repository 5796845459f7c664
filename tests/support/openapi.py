"""docs/openapi.yaml for the tests: loading it, resolving its local ``$ref``s."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from relay.settings import ROOT_DIR

OPENAPI_PATH: Path = ROOT_DIR / "docs" / "openapi.yaml"
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})


@functools.cache
def load_openapi() -> dict[str, Any]:
    """The document as loaded (``$ref``s left in place)."""
    with OPENAPI_PATH.open() as file:
        doc: dict[str, Any] = yaml.safe_load(file)
    return doc


def resolved(node: Any, root: dict[str, Any] | None = None) -> Any:
    """``node`` with every ``{"$ref": "#/..."}`` replaced by what it points to."""
    root = root if root is not None else node
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolved(target, root)
        return {key: resolved(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [resolved(item, root) for item in node]
    return node
