"""Property-based fuzzing of the whole API, driven by docs/openapi.yaml, through nginx.

Hypothesis (with hypothesis-jsonschema) generates the requests from the document:
first only requests that must be refused (bodies and parameters that break their
schema, wrong content types, wrong methods), then requests that follow the schemas.
They are sent concurrently to a stack of its own (nginx, Granian, a watcher, Redis,
as the fixtures start them). Properties:

- no answer is a 5xx, except a deliberate 503 (in the error shape);
- every status, and every JSON body, is one the document gives for that operation;
- the refused requests wrote nothing, in Redis or in the fallback folder;
- no process logged a traceback, nginx no error.
"""

from __future__ import annotations

import concurrent.futures
import json
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import orjson
import pytest
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.support.attack import folder_listing, nothing_written
from tests.support.openapi import HTTP_METHODS, load_openapi, resolved
from tests.support.schema_strategies import from_schema
from tests.support.stack import Stack, own_stack

pytestmark = pytest.mark.timeout(300)

#: Requests generated per operation in each phase (17 operations x 2 phases x 150).
EXAMPLES_PER_OPERATION = 150
SENDERS = 8
SSE_READ_S = 0.5


@dataclass(frozen=True)
class Operation:
    """One documented method + path, its schemas resolved."""

    method: str
    path: str
    spec: dict[str, Any]

    @property
    def body_schema(self) -> dict[str, Any] | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        return content.get("application/json", {}).get("schema")

    def parameters(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p["in"] == where]

    @property
    def app_port_only(self) -> bool:
        return bool(self.spec.get("x-app-port-only"))


@dataclass(frozen=True)
class Case:
    """One generated request."""

    operation: Operation
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


def operations() -> list[Operation]:
    doc = resolved(load_openapi())
    return [
        Operation(method.upper(), path, spec)
        for path, item in doc["paths"].items()
        for method, spec in item.items()
        if method in HTTP_METHODS
    ]


# --- strategies ---------------------------------------------------------------------------

#: Path text that is not a path of its own: no "/" or "\" (nginx would resolve "..").
SEGMENT_TEXT = st.text(
    st.characters(codec="utf-8", exclude_characters="/\\\x00"), min_size=0, max_size=80
).filter(lambda s: s not in (".", ".."))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


#: Query parameters no route reads: they must change nothing.
JUNK_QUERY = st.dictionaries(
    st.sampled_from(["x", "q", "token_", "page"]), st.text(max_size=20), max_size=2
)


def fill_path(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def valid_values(
    params: list[dict[str, Any]], known_ids: list[str]
) -> st.SearchStrategy[dict[str, str]]:
    strategies = {}
    for param in params:
        strategy = from_schema(param["schema"])
        if param["name"] == "job_id" and known_ids:
            strategy = st.sampled_from(known_ids) | strategy
        strategies[param["name"]] = strategy
    return st.fixed_dictionaries(strategies)


def invalid_text(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return SEGMENT_TEXT.filter(lambda s: not validator.is_valid(s))


@st.composite
def valid_case(draw: st.DrawFn, op: Operation, known_ids: list[str]) -> Case:
    path_values = draw(valid_values(op.parameters("path"), known_ids))
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    for param in op.parameters("header") + op.parameters("query"):
        if draw(st.booleans()):
            value = draw(from_schema(param["schema"]))
            (headers if param["in"] == "header" else params)[param["name"]] = value
    body = None
    if op.body_schema is not None:
        body = json_bytes(draw(from_schema(op.body_schema)))
        headers["Content-Type"] = "application/json"
    return Case(
        op, op.method, fill_path(op.path, path_values), headers, params | draw(JUNK_QUERY), body
    )


@st.composite
def invalid_case(draw: st.DrawFn, op: Operation) -> Case:
    """A request this operation must refuse with a 4xx."""
    path_params = op.parameters("path")
    ways = ["method"]
    if path_params:
        ways.append("path")
    if op.body_schema is not None:
        ways += ["body", "bytes", "content_type"]
    if op.parameters("header"):
        ways.append("header")
    way = draw(st.sampled_from(ways))
    path_values = draw(valid_values(path_params, []))
    headers: dict[str, str] = {}
    body = None
    method = op.method
    if op.body_schema is not None:
        body = json_bytes(draw(from_schema(op.body_schema)))
        headers["Content-Type"] = "application/json"
    if way == "method":
        method = draw(
            st.sampled_from(["PUT", "PATCH", "DELETE", "POST", "GET"]).filter(
                lambda m: m != op.method and m.lower() not in op_methods(op.path)
            )
        )
    elif way == "path":
        name = draw(st.sampled_from([p["name"] for p in path_params]))
        schema = next(p["schema"] for p in path_params if p["name"] == name)
        path_values[name] = draw(invalid_text(schema))
    elif way == "body":
        validator = jsonschema.Draft202012Validator(op.body_schema)
        body = json_bytes(draw(JSON_VALUES.filter(lambda v: not validator.is_valid(v))))
    elif way == "bytes":
        body = draw(st.binary(max_size=200).filter(lambda b: not _is_json(b)))
    elif way == "content_type":
        headers["Content-Type"] = draw(st.sampled_from(
            ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
             "application/jsonp", "text/json"]
        ))  # fmt: skip
    elif way == "header":
        param = draw(st.sampled_from(op.parameters("header")))
        validator = jsonschema.Draft202012Validator(param["schema"])
        headers[param["name"]] = draw(
            st.text(string.printable.strip(), min_size=1, max_size=20).filter(
                lambda s: not validator.is_valid(s)
            )
        )
    return Case(op, method, fill_path(op.path, path_values), headers, draw(JUNK_QUERY), body)


def json_bytes(value: Any) -> bytes:
    # The standard library writes what orjson refuses (integers past 64 bits).
    return json.dumps(value).encode()


def op_methods(path: str) -> set[str]:
    return {m for m in load_openapi()["paths"][path] if m in HTTP_METHODS}


def _is_json(data: bytes) -> bool:
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return True


def generate(strategy: st.SearchStrategy[Case], count: int) -> list[Case]:
    """``count`` cases drawn by Hypothesis (a fixed seed: the same run every time)."""
    cases: list[Case] = []

    @seed(12)
    @hypothesis_settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Case) -> None:
        cases.append(case)

    collect()
    return cases


# --- sending and checking ------------------------------------------------------------------


@dataclass
class Outcome:
    case: Case
    status: int
    content_type: str
    body: bytes


def send(client: httpx.Client, stack: Stack, case: Case) -> Outcome:
    base = stack.app.url if case.operation.app_port_only else stack.url
    request = client.build_request(
        case.method, base + case.path, headers=case.headers, params=case.params, content=case.body
    )
    response = client.send(request, stream=True)
    try:
        content_type = response.headers.get("content-type", "")
        # A live stream: its status and headers are what is checked.
        streaming = content_type.startswith("text/event-stream")
        body = b"" if streaming else response.read()
    finally:
        response.close()
    return Outcome(case, response.status_code, content_type, body)


def send_all(stack: Stack, cases: list[Case]) -> list[Outcome]:
    limits = httpx.Limits(max_connections=SENDERS, max_keepalive_connections=SENDERS)
    timeout = httpx.Timeout(10.0, read=SSE_READ_S * 20)
    with (
        httpx.Client(limits=limits, timeout=timeout, trust_env=False) as client,
        concurrent.futures.ThreadPoolExecutor(SENDERS) as pool,
    ):
        return list(pool.map(lambda case: send(client, stack, case), cases))


def problems_with(outcome: Outcome) -> list[str]:
    """What is wrong with one answer, measured against the document."""
    case = outcome.case
    where = f"{case.method} {case.path} {case.headers} {case.body[:200] if case.body else b''}"
    responses = case.operation.spec["responses"]
    if outcome.status >= 500 and outcome.status != 503:
        return [f"{outcome.status} for {where}: {outcome.body[:300]!r}"]
    spec = responses.get(str(outcome.status))
    if spec is None:
        return [f"undocumented {outcome.status} for {where}: {outcome.body[:300]!r}"]
    content = spec.get("content", {})
    if not content or not outcome.content_type.startswith("application/json"):
        if content and not any(outcome.content_type.startswith(t) for t in content):
            return [f"{outcome.status} {outcome.content_type!r} not documented for {where}"]
        return []
    try:
        body = orjson.loads(outcome.body)
    except orjson.JSONDecodeError:
        return [f"{outcome.status} body is not JSON for {where}"]
    schema = content["application/json"]["schema"]
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(body), key=str)
    return (
        [f"{outcome.status} body breaks the schema for {where}: {errors[0].message}"]
        if errors
        else []
    )


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[Stack]:
    with own_stack(tmp_path_factory, logs_dir, "fuzz") as stack:
        yield stack


def log_sizes(stack: Stack) -> dict[Path, int]:
    parts = (stack.app, stack.watcher, stack.nginx, stack.redis)
    return {p.log_path: p.log_path.stat().st_size for p in parts if p.log_path.exists()}


def new_log_text(sizes: dict[Path, int]) -> str:
    text = []
    for path, offset in sizes.items():
        with path.open("rb") as file:
            file.seek(offset)
            text.append(file.read().decode(errors="replace"))
    return "\n".join(text)


def finished_jobs(stack: Stack, count: int) -> list[str]:
    """Ids of a few real, finished jobs, so that generated requests also hit real ones."""
    ids = []
    for index in range(count):
        started = httpx.post(
            f"{stack.url}/api/chat/start",
            json={"message": f"fuzz seed {index}", "project": f"fuzz{index}", "cache": False},
            timeout=10,
        )
        assert started.status_code == 202, started.text
        ids.append(started.json()["job_id"])
    for job_id in ids:
        httpx.get(f"{stack.url}/api/sse/status/{job_id}", timeout=30)  # to the end
    return ids


def test_generated_requests_get_documented_answers_and_refusals_write_nothing(
    fuzz_stack: Stack,
) -> None:
    stack = fuzz_stack
    ops = operations()
    sizes = log_sizes(stack)

    refusals = [c for op in ops for c in generate(invalid_case(op), EXAMPLES_PER_OPERATION)]
    with nothing_written(stack.redis, stack.settings.fallback_dir):
        refused = send_all(stack, refusals)
    not_refused = [o for o in refused if not 400 <= o.status < 500]
    assert not not_refused, [problems_with(o) or f"{o.status} {o.case}" for o in not_refused[:5]]

    known_ids = finished_jobs(stack, 3)
    valid = [c for op in ops for c in generate(valid_case(op, known_ids), EXAMPLES_PER_OPERATION)]
    answered = send_all(stack, valid)

    outcomes = refused + answered
    assert len(outcomes) >= 5000
    assert {(o.case.operation.method, o.case.operation.path) for o in outcomes} == {
        (op.method, op.path) for op in ops
    }
    problems = [p for o in outcomes for p in problems_with(o)]
    assert not problems, f"{len(problems)} problems, e.g.:\n" + "\n".join(problems[:10])
    assert any(200 <= o.status < 300 for o in answered if o.case.operation.body_schema)

    logs = new_log_text(sizes)
    assert "Traceback" not in logs, logs[logs.index("Traceback") - 500 :][:3000]
    for level in ("[error]", "[crit]", "[alert]", "[emerg]"):
        assert level not in logs, logs
    # Redis was up throughout: nothing may have gone to the file fallback.
    queued = stack.settings.fallback_dir / "queue"
    assert not queued.exists() or not folder_listing(queued)
