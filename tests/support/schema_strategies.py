"""Hypothesis strategies from the JSON Schemas of docs/openapi.yaml.

Only the keywords the document uses: ``type`` (one or a list), ``properties`` and
``required``, ``pattern``, ``minLength``/``maxLength``, ``minimum``, ``const``,
``enum``, ``not: {enum}``, ``oneOf``, ``items``. (hypothesis-jsonschema 0.23 no
longer runs on the Hypothesis this project pins.) An unknown keyword fails loudly
rather than generating values the schema does not mean.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_KNOWN = {
    "type", "properties", "required", "pattern", "minLength", "maxLength", "minimum",
    "const", "enum", "not", "oneOf", "items", "additionalProperties", "description",
}  # fmt: skip
_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=20)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid against ``schema`` (a resolved schema: no ``$ref``)."""
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError(f"schema keywords not supported here: {sorted(unknown)}")
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "oneOf" in schema:
        return st.one_of([from_schema(s) for s in schema["oneOf"]])
    kinds = schema.get("type")
    if isinstance(kinds, list):
        strategy = st.one_of([from_schema({**schema, "type": kind}) for kind in kinds])
    else:
        strategy = _of_type(kinds, schema)
    if "not" in schema:
        excluded = schema["not"]["enum"]  # the only "not" the document uses
        strategy = strategy.filter(lambda value: value not in excluded)
    return strategy


def _of_type(kind: str | None, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        items = from_schema(schema["items"]) if "items" in schema else _JSON_SCALARS
        return st.lists(items, max_size=5)
    if kind == "object" or "properties" in schema:
        return _object(schema)
    return _JSON_SCALARS  # no type: anything


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    min_size, max_size = schema.get("minLength", 0), schema.get("maxLength")
    if "pattern" in schema:
        # JSON Schema patterns are searches; the document anchors the ones that matter.
        strategy = st.from_regex(schema["pattern"])
    else:
        strategy = st.text(min_size=min_size, max_size=max_size if max_size is not None else 200)
    return strategy.filter(
        lambda s: len(s) >= min_size and (max_size is None or len(s) <= max_size)
    )


@st.composite
def _object(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    required = set(schema.get("required", []))
    result = {}
    for name, sub in schema.get("properties", {}).items():
        if name in required or draw(st.booleans()):
            result[name] = draw(from_schema(sub))
    return result
