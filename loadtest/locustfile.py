"""Locust load test for Relay: chats through nginx, measured as a person would feel them.

Each chat user submits a message (``POST /api/chat/start``, the echo model answers with
its words) and reads the event stream to ``done``. Besides the submit request itself,
it reports these entries (request type ``SSE``):

- ``time to first token``: submit -> first ``chunk`` read by the client;
- ``chunk delivery``: client receive time - the event's ``ts`` (watcher emit time),
  one entry per chunk;
- ``full answer``: submit -> ``done``; a failure when the answer is wrong or missing.

The cached-question user asks the same question again and again in its own project:
``cached answer`` (or ``cached answer (miss)`` when the cache did not answer).

The upstream path: ``--model openai`` against a stack whose upstream is the mock
(``python -m loadtest.stack --upstream``); ``make loadtest`` gates both paths.

Run (the stack started with the echo model; ``make loadtest`` does all of it)::

    locust -f loadtest/locustfile.py --headless -u 100 -r 20 -t 60s --slo \\
        --host http://127.0.0.1:8080

``--slo`` makes the process exit 1 unless p95 time to first token <= 500 ms, p95 chunk
delivery <= 100 ms and failures <= 1 % (of submits, answers and cached answers:
chunk entries are measurements, not requests). Thresholds are options too.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from locust import User, between, events, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from loadtest.measure import ChatTrace, chat_message
from loadtest.syncclient import SyncConnection, run_chat

log = logging.getLogger("relay.loadtest")

TTFT = "time to first token"
DELIVERY = "chunk delivery"
FULL = "full answer"
CACHED = "cached answer"
CACHED_MISS = "cached answer (miss)"
SUBMIT = "/api/chat/start"
RUN_TAG = f"{int(time.time()) % 100000:05d}{os.getpid() % 1000:03d}"
_user_numbers = itertools.count(1)


@events.init_command_line_parser.add_listener
def add_options(parser: Any) -> None:
    """Relay's options (also settable as LOCUST_* environment variables)."""
    group = parser.add_argument_group("Relay")
    options: list[tuple[str, type, Any, str]] = [
        ("--slo-ttft-p95-ms", float, 500.0, "largest acceptable p95 time to first token"),
        ("--slo-delivery-p95-ms", float, 100.0, "largest acceptable p95 chunk delivery"),
        ("--slo-max-failure-pct", float, 1.0, "largest acceptable share of failed chats (%)"),
        ("--chat-weight", int, 4, "weight of the chat user"),
        ("--cached-weight", int, 1, "weight of the cached-question user (0: none)"),
        ("--words", int, 20, "words (= chunks) per answer"),
        ("--model", str, "", "model the chats name (empty: the stack's default, echo)"),
        ("--think-min-s", float, 0.5, "shortest pause between two chats of a user"),
        ("--think-max-s", float, 1.5, "longest pause between two chats of a user"),
    ]
    group.add_argument(
        "--slo", action="store_true", default=False, help="exit 1 when a threshold is missed"
    )
    for flag, kind, default, meaning in options:
        env = "LOCUST_" + flag.strip("-").upper().replace("-", "_")
        group.add_argument(
            flag, type=kind, default=kind(os.environ.get(env, default)), help=meaning
        )


@events.init.add_listener
def apply_options(environment: Environment, **_: Any) -> None:
    """Task weights and think time come from the command line."""
    options = environment.parsed_options
    if options is None:
        return
    ChatUser.weight = options.chat_weight
    CachedQuestionUser.weight = options.cached_weight
    think = between(options.think_min_s, options.think_max_s)
    ChatUser.wait_time = think  # type: ignore[method-assign]
    CachedQuestionUser.wait_time = think  # type: ignore[method-assign]
    if environment.user_classes:
        kept = [cls for cls in environment.user_classes if cls.weight > 0]
        environment.user_classes[:] = kept


class RelayUser(User):
    """Shared plumbing: one keep-alive connection and one project per user."""

    abstract = True
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        """A project of its own: jobs of one project run one at a time."""
        self.number = next(_user_numbers)
        self.project = f"locust-{RUN_TAG}-{self.number}"
        self.conn = SyncConnection(self.host or "http://127.0.0.1:8080")
        self.words = getattr(self.environment.parsed_options, "words", 20)
        self.model = getattr(self.environment.parsed_options, "model", "")

    def on_stop(self) -> None:
        """Close the keep-alive connection."""
        self.conn.close()

    def fire(
        self, name: str, ms: float, request_type: str = "SSE", error: str | None = None
    ) -> None:
        """Report one measurement to Locust's statistics."""
        self.environment.events.request.fire(
            request_type=request_type,
            name=name,
            response_time=ms,
            response_length=0,
            exception=Exception(error) if error else None,
            context={},
        )

    def report_submit(self, trace: ChatTrace) -> None:
        """The POST itself, failed when it was not accepted (202)."""
        submit_failed = trace.error and trace.error.startswith(("submit", "POST"))
        failed = trace.error if submit_failed else None
        self.fire(SUBMIT, trace.submit_ms, "POST", failed)


class ChatUser(RelayUser):
    """Asks a new question (cache bypassed) and reads the answer as it streams."""

    weight = 4

    @task
    def chat(self) -> None:
        """One chat: submit, stream to done, report TTFT, each chunk, the full answer."""
        self.sequence = getattr(self, "sequence", 0) + 1
        message = chat_message(self.words, f"u{self.number}n{self.sequence}")
        trace = run_chat(self.conn, self.project, message, use_cache=False, model=self.model)
        self.report_submit(trace)
        if trace.ttft_ms is not None:
            self.fire(TTFT, trace.ttft_ms)
        for delivery in trace.deliveries_ms:
            self.fire(DELIVERY, delivery)
        self.fire(FULL, trace.full_ms or 0.0, error=trace.error)


class CachedQuestionUser(RelayUser):
    """Asks the same question again in the same conversation: a cache hit after the first."""

    weight = 1

    def on_start(self) -> None:
        """Ask the question once, so that every later ask can be a cache hit."""
        super().on_start()
        self.question = chat_message(self.words, f"cached{self.number}")
        warm = run_chat(self.conn, self.project, self.question, use_cache=True, model=self.model)
        self.report_submit(warm)
        self.fire(FULL, warm.full_ms or 0.0, error=warm.error)

    @task
    def ask_again(self) -> None:
        """The same question again: ``cached answer``, or ``(miss)`` if not cached."""
        trace = run_chat(self.conn, self.project, self.question, use_cache=True, model=self.model)
        self.report_submit(trace)
        name = CACHED if trace.cached or trace.error else CACHED_MISS
        self.fire(name, trace.full_ms or 0.0, error=trace.error)


def slo_verdict(environment: Environment) -> list[str]:
    """The thresholds missed (empty: all met)."""
    options = environment.parsed_options
    stats = environment.stats
    problems = []
    ttft = stats.entries.get((TTFT, "SSE"))
    delivery = stats.entries.get((DELIVERY, "SSE"))
    if ttft is None or ttft.num_requests == 0:
        problems.append("no time-to-first-token samples")
    elif (p95 := ttft.get_response_time_percentile(0.95)) > options.slo_ttft_p95_ms:
        problems.append(f"p95 time to first token {p95:.0f} ms > {options.slo_ttft_p95_ms:g} ms")
    if delivery is not None and delivery.num_requests:
        p95 = delivery.get_response_time_percentile(0.95)
        if p95 > options.slo_delivery_p95_ms:
            problems.append(f"p95 chunk delivery {p95:.0f} ms > {options.slo_delivery_p95_ms:g} ms")
    counted = [e for (name, _), e in stats.entries.items() if name not in (TTFT, DELIVERY)]
    requests = sum(e.num_requests for e in counted)
    failures = sum(e.num_failures for e in counted)
    failure_pct = 100 * failures / requests if requests else 100.0
    if failure_pct > options.slo_max_failure_pct:
        problems.append(f"failures {failure_pct:.2f} % > {options.slo_max_failure_pct:g} %")
    return problems


@events.quitting.add_listener
def enforce_slo(environment: Environment, **_: Any) -> None:
    """With ``--slo``: exit code 1 when a threshold is missed, 0 when all are met."""
    options = environment.parsed_options
    if options is None or not options.slo:
        return
    problems = slo_verdict(environment)
    for problem in problems:
        log.error("SLO missed: %s", problem)
    if not problems:
        log.info("SLO met: p95 TTFT, p95 chunk delivery and failures within thresholds")
    environment.process_exit_code = 1 if problems else 0
