"""``python -m watcher``: run a watcher until SIGINT/SIGTERM; ``--check`` for health."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

import redis.asyncio as aioredis

from relay import event_loop, keys, telemetry
from relay.cache import TieredCache, make_redis_tier
from relay.connections import REDIS_DOWN_ERRORS, connect, is_cluster
from relay.emitter import EventEmitter
from relay.logs import configure_logging
from relay.redis_queue import RedisJobQueue, live_watchers
from relay.response_cache import ResponseCache
from relay.semantic_cache import semantic_index
from relay.settings import Settings
from relay.single_flight import SingleFlight, marker_ttl_s
from watcher.backends.registry import BackendRegistry
from watcher.file_channel import FileChannelLoop
from watcher.runner import JobRunner
from watcher.slots import BackendSlots
from watcher.watcher import Watcher, new_watcher_id

#: Connections of one watcher: the claim loops, control subscription, heartbeat, and
#: the running jobs' commands (a BLPOP holds one while a job waits for answers). The
#: pool is a blocking one: with 512 upstream streams by default, a burst of jobs
#: starting, finishing or moving up the line sends more commands at once than this,
#: and those wait a moment for a connection instead of failing as "Redis is down"
#: (which interrupted 482 running jobs at 1,000 streams).
WATCHER_REDIS_CONNECTIONS = 256


def install_cache_hooks(
    runner: JobRunner, redis: aioredis.Redis, settings: Settings
) -> TieredCache:
    """Completed jobs store their answers and end their single flight.

    The answers go to L2 only: the watcher never reads them back. Returns the
    cache, whose connections are closed at shutdown.
    """
    answers = TieredCache(
        None,
        make_redis_tier(
            settings.effective_redis_url,
            f"relay-watcher-{os.getpid()}",
            redis if is_cluster(redis) else None,
        ),
        settings.cache_ttl_s,
    )
    # The semantic index files answers under the vector the app computed on its miss:
    # the watcher never loads the embedding model.
    responses = ResponseCache(redis, answers, settings, semantic_index(settings, redis))
    runner.completed_hooks.append(responses.remember_completed)
    flights = SingleFlight(redis, marker_ttl_s(settings.job_timeout_s))
    runner.completed_hooks.append(flights.release_completed)
    return answers


def watcher_redis(settings: Settings) -> aioredis.Redis:
    """The watcher's client: a blocking pool of :data:`WATCHER_REDIS_CONNECTIONS`."""
    return connect(
        settings,
        WATCHER_REDIS_CONNECTIONS,
        blocking=True,
        client_name=f"relay-watcher-{os.getpid()}",
    )


def build_watcher(
    settings: Settings, redis: aioredis.Redis, runner: JobRunner, watcher_id: str
) -> Watcher:
    """A watcher and its parts: the emitter, the job queue, the file loop, the slots."""
    emitter = EventEmitter(redis, settings.event_log_ttl_s, wait_replicas=settings.wait_replicas)
    slots = BackendSlots(settings)
    return Watcher(
        settings,
        redis,
        runner,
        watcher_id,
        emitter=emitter,
        queue=RedisJobQueue(redis, emitter),
        files=FileChannelLoop(settings, runner, slots, redis),
        slots=slots,
    )


async def serve(settings: Settings) -> None:
    configure_logging("watcher")
    telemetry.setup_tracing("relay-watcher")
    telemetry.start_watcher_metrics_server(
        settings.watcher_metrics_port, settings.watcher_metrics_host
    )
    keys.use_shards(settings.redis_shards)
    redis = watcher_redis(settings)
    registry = BackendRegistry(settings)
    watcher_id = new_watcher_id()
    runner = JobRunner(settings, registry, watcher_id)
    answers = install_cache_hooks(runner, redis, settings)
    watcher = build_watcher(settings, redis, runner, watcher_id)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, watcher.stop)
    await registry.warm_up()
    telemetry.settle_garbage_collector()
    try:
        await watcher.run()
    finally:
        await registry.aclose()
        await answers.close()
        await redis.aclose()


async def check(settings: Settings) -> int:
    """Exit 0 when Redis answers and some watcher's heartbeat is fresh."""
    keys.use_shards(settings.redis_shards)
    redis = connect(settings, 2, blocking=False)
    try:
        fresh = await live_watchers(redis, settings.watcher_dead_after_s)
    except REDIS_DOWN_ERRORS as exc:
        print(f"redis unreachable: {exc}", file=sys.stderr)
        return 1
    finally:
        await redis.aclose()
    print(f"{len(fresh)} watcher(s) alive")
    return 0 if fresh else 1


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m watcher", description=__doc__)
    parser.add_argument("--check", action="store_true", help="health check and exit")
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.check:
        sys.exit(asyncio.run(check(settings)))
    event_loop.run(serve(settings), settings.event_loop)


if __name__ == "__main__":
    main()
