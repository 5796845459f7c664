"""The job pipeline on a real Redis Cluster: two app processes, two watchers.

Six ``redis-server`` nodes in cluster mode (three masters, three replicas, made with
``redis-cli --cluster create``); two Granian app processes and two watchers, all
pointed at it by ``RELAY_REDIS_CLUSTER_NODES``. Clients talk to both app processes
directly, and a job is often started on one and followed on the other, so its
events must reach a process that did not submit it. The last test kills the master
that holds a streaming job's keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from relay import keys
from relay.settings import Settings
from tests.support.cluster import LocalCluster
from tests.support.processes import AppServer, WatcherProcess, free_port, running
from tests.support.sse import SSEResult, read_stream
from watcher.backends.echo import echo_chunks

#: Echo speed of the cluster stack's watchers: slow enough to cancel or kill mid-answer.
ECHO_INTERVAL_MS = 25.0


def words(count: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(count))


@dataclass
class ClusterStack:
    """Two app processes and two watchers on one cluster."""

    cluster: LocalCluster
    settings: Settings
    apps: list[AppServer]
    watchers: list[WatcherProcess]

    def client(self, index: int) -> httpx.AsyncClient:
        """A client of app process ``index`` (0 or 1)."""
        return httpx.AsyncClient(base_url=self.apps[index].url, timeout=30)


@pytest.fixture(scope="module")
def cluster_stack(
    redis_cluster: LocalCluster, cluster_settings: Settings, logs_dir: Path
) -> Iterator[ClusterStack]:
    redis_cluster.ensure_healthy()
    redis_cluster.flush()
    base = dataclasses.replace(cluster_settings, echo_interval_ms=ECHO_INTERVAL_MS)
    apps = [AppServer(dataclasses.replace(base, app_port=free_port()), logs_dir) for _ in "ab"]
    watchers = [
        WatcherProcess(dataclasses.replace(base, watcher_metrics_port=free_port()), logs_dir)
        for _ in "ab"
    ]
    with contextlib.ExitStack() as started:
        for process in (*watchers, *apps):
            started.enter_context(running(process))
        yield ClusterStack(redis_cluster, base, apps, watchers)


@pytest.fixture
def stack(cluster_stack: ClusterStack) -> ClusterStack:
    """The cluster stack with every node and process running when the test starts."""
    cluster_stack.cluster.ensure_healthy()
    for process in (*cluster_stack.watchers, *cluster_stack.apps):
        process.start()
    return cluster_stack


async def start_chat(client: httpx.AsyncClient, message: str, **fields: object) -> dict:
    response = await client.post("/api/chat/start", json={"message": message, **fields})
    assert response.status_code == 202, response.text
    return response.json()


def metric(url: str, name: str, **labels: str) -> float:
    """The value of one sample of ``url``'s /metrics (0 when absent)."""
    text = httpx.get(f"{url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def echo_runs(stack: ClusterStack) -> float:
    return sum(
        metric(f"http://127.0.0.1:{w.settings.watcher_metrics_port}", "relay_backend_runs_total",
               backend="echo")
        for w in stack.watchers
    )  # fmt: skip


async def test_chats_spread_over_both_apps_stream_in_order_from_either(
    stack: ClusterStack,
) -> None:
    messages = [words(12, f"c{i}-") for i in range(12)]
    async with stack.client(0) as first, stack.client(1) as second:
        clients = [first, second]
        jobs = [
            await start_chat(clients[i % 2], message, cache=False, project=f"spread-{i}")
            for i, message in enumerate(messages)
        ]
        # Each job followed on the app process that did NOT submit it.
        results = await asyncio.gather(
            *(read_stream(clients[(i + 1) % 2], job["stream_url"]) for i, job in enumerate(jobs))
        )
    for message, result in zip(messages, results, strict=True):
        assert result.chunks == echo_chunks(message)
        assert [e.id for e in result.events] == list(range(1, len(result.events) + 1))
        assert result.events[-1].type == "done" and result.events[-1].data["result"] == message
    streams = [metric(app.url, "relay_hub_messages_total") for app in stack.apps]
    assert all(count > 0 for count in streams), "both app processes received live events"


async def test_reconnect_on_the_other_app_with_last_event_id_gets_exactly_the_rest(
    stack: ClusterStack,
) -> None:
    message = words(40)
    async with stack.client(0) as first, stack.client(1) as second:
        job = await start_chat(first, message, cache=False)
        head = await read_stream(first, job["stream_url"], stop_after=5)
        await asyncio.sleep(0.2)  # events keep coming while the client is away
        rest = await read_stream(second, job["stream_url"], last_event_id=head.events[-1].id)
    ids = [e.id for e in head.events + rest.events]
    assert ids == list(range(1, len(ids) + 1)), "a gap or a duplicate"
    assert head.text + rest.text == message
    assert rest.events[-1].type == "done"


async def test_cancel_on_one_app_ends_the_stream_on_the_other(stack: ClusterStack) -> None:
    async with stack.client(0) as first, stack.client(1) as second:
        job = await start_chat(first, words(400), cache=False, project="cancel-me")
        stream = asyncio.create_task(read_stream(second, job["stream_url"]))
        await read_stream(second, job["stream_url"], stop_after=3)  # it is running
        response = await first.post("/api/chat/cancel", json={"job_id": job["job_id"]})
        assert response.status_code == 200, response.text
        result = await asyncio.wait_for(stream, 10)
        status = (await second.get(job["status_url"])).json()
    assert result.events[-1].type == "status"
    assert result.events[-1].data["status"] == "cancelled"
    assert status["status"] == "cancelled"
    assert len(status["text"]) < len(words(400)), "the backend really stopped"


async def test_jobs_of_one_project_run_in_order_across_apps_and_watchers(
    stack: ClusterStack,
) -> None:
    async with stack.client(0) as first, stack.client(1) as second:
        clients = [first, second]
        jobs = [
            await start_chat(clients[i % 2], words(6, f"j{i}-"), cache=False, project="serial")
            for i in range(4)
        ]
        results = await asyncio.gather(*(read_stream(first, j["stream_url"]) for j in jobs))
        snapshots = [(await second.get(j["status_url"])).json() for j in jobs]
    assert all(r.events[-1].type == "done" for r in results)
    for earlier, later in itertools.pairwise(snapshots):
        assert later["started_ts"] >= earlier["finished_ts"], "one at a time, in order"


async def test_questions_answered_through_the_other_app_resume_the_job(
    stack: ClusterStack,
) -> None:
    message = "tell me [[ASK]]\nWhich colour?\n[[/ASK]]"
    async with stack.client(0) as first, stack.client(1) as second:
        job = await start_chat(first, message, cache=False)
        asked = await read_stream(
            first, job["stream_url"], until=lambda e: e.type == "questions", timeout_s=10
        )
        for _ in range(50):  # the watcher marks the job as waiting just after asking
            status = (await second.get(job["status_url"])).json()
            if status["status"] == "waiting_for_answers":
                break
            await asyncio.sleep(0.1)
        answered = await second.post(
            "/api/chat/answers", json={"job_id": job["job_id"], "answers": ["green"]}
        )
        assert answered.status_code == 200, answered.text
        rest = await read_stream(second, job["stream_url"], last_event_id=asked.events[-1].id)
    assert asked.events[-1].data["questions"] == ["Which colour?"]
    assert rest.events[-1].type == "done"
    assert rest.text == "answers: green"


async def test_a_killed_watchers_job_is_finished_by_the_other(stack: ClusterStack) -> None:
    message = words(80)
    async with stack.client(0) as first, stack.client(1) as second:
        job = await start_chat(first, message, cache=False, project="kill-watcher")
        head = await read_stream(second, job["stream_url"], stop_after=4)
        victim = await watcher_running(stack, first, job["job_id"])
        victim.kill(signal.SIGKILL)
        result = await read_stream(
            second, job["stream_url"], last_event_id=head.events[-1].id, timeout_s=30
        )
    assert result.events[-1].type == "done"
    assert result.events[-1].data["result"] == message
    assert result.final_text == message


async def watcher_running(
    stack: ClusterStack, client: httpx.AsyncClient, job_id: str
) -> WatcherProcess:
    """The watcher process running ``job_id``, from the heartbeats in /api/queue/status."""
    for _ in range(50):  # a heartbeat a second lists the running jobs
        queue = (await client.get("/api/queue/status")).json()
        for beat in queue["watchers"]:
            if job_id in beat.get("running", []):
                return next(w for w in stack.watchers if w.pid == beat["pid"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"no watcher says it runs {job_id}")


async def test_the_cache_and_single_flight_work_across_app_processes(
    stack: ClusterStack,
) -> None:
    message, project = words(10, "cached-"), "cluster-cache"
    async with stack.client(0) as first, stack.client(1) as second:
        runs = echo_runs(stack)
        jobs = await asyncio.gather(
            *(start_chat(client, message, project=project) for client in (first, second, first))
        )
        results = await asyncio.gather(*(read_stream(second, job["stream_url"]) for job in jobs))
        assert echo_runs(stack) == runs + 1, "identical requests at once ran the backend once"
        again = await start_chat(second, message, project=project)
        repeat = await read_stream(first, again["stream_url"])
    assert len({job["job_id"] for job in jobs}) == 1, "they joined one job"
    assert all(r.events[-1].data["result"] == message for r in results)
    assert repeat.events[-1].data["cached"] == "exact"
    assert repeat.chunks == echo_chunks(message)
    assert echo_runs(stack) == runs + 1, "the cached answer ran nothing"


async def test_killing_the_master_of_a_streaming_jobs_keys_loses_nothing(
    stack: ClusterStack,
) -> None:
    message = words(120)
    async with stack.client(0) as first, stack.client(1) as second:
        job = await start_chat(first, message, cache=False, project="failover")
        seen = await read_stream(second, job["stream_url"], stop_after=6)
        master = stack.cluster.master_of(keys.job(job["job_id"]))
        stream = asyncio.create_task(
            read_stream_resuming(second, job["stream_url"], seen.events[-1].id)
        )
        await asyncio.sleep(0.2)
        stack.cluster.kill(master)
        during = asyncio.create_task(start_chat(first, "asked during the failover", cache=False))
        stack.cluster.wait_for_failover(master)
        rest = await asyncio.wait_for(stream, 60)
        new_job = await asyncio.wait_for(during, 30)
        during_result = await read_stream(second, new_job["stream_url"], timeout_s=30)
        after = await start_chat(second, "asked after the failover", cache=False)
        after_result = await read_stream(first, after["stream_url"], timeout_s=30)

    whole = SSEResult(200, rest.headers, seen.events + rest.events)
    ids = [e.id for e in whole.events]
    assert ids == list(range(1, len(ids) + 1)), "no event lost or repeated across the failover"
    assert whole.events[-1].type == "done"
    assert whole.events[-1].data["result"] == message
    assert whole.final_text == message, "the client's text is the whole answer"
    assert during_result.events[-1].data["result"] == "asked during the failover"
    assert after_result.events[-1].data["result"] == "asked after the failover"


async def read_stream_resuming(
    client: httpx.AsyncClient, url: str, last_event_id: int, attempts: int = 20
) -> SSEResult:
    """Read to the end, reconnecting with ``Last-Event-ID`` when the connection drops."""
    result = SSEResult(0, httpx.Headers())  # what arrived is kept here across connections
    for _ in range(attempts):
        with contextlib.suppress(httpx.HTTPError):
            await read_stream(client, url, last_event_id=last_event_id, timeout_s=30, into=result)
        if result.ended:
            return result
        if result.events:
            last_event_id = result.events[-1].id
        await asyncio.sleep(0.3)
    raise AssertionError(f"the stream did not end after {attempts} connections")


async def test_a_cluster_without_quorum_sends_new_chats_to_the_file_channel(
    stack: ClusterStack,
) -> None:
    """Two of three masters gone (their replicas cannot be elected): files take over."""
    survivor, *doomed = stack.cluster.masters()
    for master in doomed:
        stack.cluster.kill(master)
    # Until it notices (cluster-node-timeout), the survivor still takes its own slots'
    # writes: a chat whose keys all fell there would go to Redis, half its line unwritten.
    stack.cluster.wait_for_state(survivor, "fail")
    try:
        async with stack.client(0) as first, stack.client(1) as second:
            on_files = metric(stack.apps[0].url, "relay_jobs_submitted_total", path="file")
            job = await start_chat(first, "asked with no quorum", cache=False)
            result = await read_stream(first, job["stream_url"], timeout_s=60)
            health = (await second.get("/api/health")).json()
        assert result.events[-1].type == "done", result.events[-3:]
        assert result.events[-1].data["result"] == "asked with no quorum"
        assert job["stream_url"].startswith("/api/sse/status/")
        assert health["mode"] == "file", health
        files_now = metric(stack.apps[0].url, "relay_jobs_submitted_total", path="file")
        assert files_now == on_files + 1, "the chat went to the file channel"
    finally:
        stack.cluster.ensure_healthy()
    async with stack.client(1) as second:
        back = await start_chat(second, "asked with the cluster back", cache=False)
        after = await read_stream(second, back["stream_url"], timeout_s=60)
    assert after.events[-1].data["result"] == "asked with the cluster back"
    assert survivor.alive
