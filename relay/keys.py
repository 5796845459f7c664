"""Every Redis key, stream, group and channel name, shared by the app and the watcher.

The layout is cluster-safe: every multi-key atomic step touches one hash slot.

- A job's keys (hash, event log, text, answers, live channel) share the ``{job_id}``
  tag; a project's keys (order, history, meta, ...) share the ``{project}`` tag.
- The jobs queue is :func:`jobs_stream` ``(shard)``, one stream per shard with its
  consumer group, each beside the backlogs of the jobs it holds (:func:`backlog`), so
  a job is enqueued and counted in one step. The registries of projects and of
  watchers are sharded the same way. :func:`shard_tags` picks the shards' hash tags
  so that their slots are spread evenly over the 16,384 (on a cluster whose masters
  own equal slot ranges, the shards land on different masters).
- Live events go to a channel per job (:func:`job_live`, ``SPUBLISH``): an app
  process subscribes only to the jobs its own clients follow.

The same layout runs on one Redis, where slots do not matter.
"""

from __future__ import annotations

import functools
import zlib

from redis.crc import key_slot

NAMESPACE = "relay"

#: The consumer group all watchers share, on every jobs stream.
WATCHER_GROUP = "watchers"
#: Cancel and turn notices for watchers (the job hash is the source of truth). Plain
#: pub/sub: a cluster broadcasts it to every node, and its rate is the rate of jobs.
CONTROL_CHANNEL = f"{NAMESPACE}:control"
#: Slots of a Redis Cluster (fixed by Redis).
SLOTS = 16384
#: Candidate tags tried per shard (plenty: one in ``count`` lands in its slice).
TAG_CANDIDATES = 4096


@functools.cache
def shard_tags(kind: str, count: int) -> tuple[str, ...]:
    """``count`` hash tags for the shards of ``kind``, shard i's slot in the i-th slice.

    Deterministic: every process computes the same tags for the same count.
    """
    tags = []
    for shard in range(count):
        low, high = shard * SLOTS // count, (shard + 1) * SLOTS // count
        middle = (low + high) // 2
        # Of the first candidates that land in the slice, the nearest its middle.
        candidates = (f"{kind}:{shard}:{n}" for n in range(TAG_CANDIDATES))
        inside = [tag for tag in candidates if low <= key_slot(tag.encode()) < high]
        tags.append(min(inside, key=lambda tag: abs(key_slot(tag.encode()) - middle)))
    return tuple(tags)


#: How many shards the jobs queue and the registries have (``RELAY_REDIS_SHARDS``;
#: set once at start-up by :func:`use_shards`, the same in every process).
_shards = 4


def use_shards(count: int) -> None:
    """Set the shard count of this process (from ``Settings.redis_shards``)."""
    global _shards
    if count < 1:
        raise ValueError("at least one shard")
    _shards = count


def shard_count() -> int:
    """This process's shard count."""
    return _shards


def shard_of(name: str) -> int:
    """The shard (0 .. count-1) that ``name`` (a project, a watcher id) belongs to."""
    return zlib.crc32(name.encode()) % _shards


def _sharded(kind: str, shard: int, name: str) -> str:
    """Key ``name`` of shard ``shard`` of ``kind``, in that shard's slot."""
    return f"{NAMESPACE}:{{{shard_tags(kind, _shards)[shard]}}}:{name}"


def jobs_stream(shard: int) -> str:
    """Stream ``shard`` of the jobs queue; watchers read every shard through the group."""
    return _sharded("jobs", shard, "stream")


def jobs_streams() -> list[str]:
    """Every stream of the jobs queue, shard 0 first."""
    return [jobs_stream(shard) for shard in range(_shards)]


def backlog(shard: int, backend: str) -> str:
    """Sorted set of the jobs of stream ``shard`` waiting to start on ``backend``.

    Score: submit time. It lives in its stream's slot, so a submit enqueues the job
    and counts it in one step. The app sums it over the shards and refuses new chats
    (503) once ``queue_max_length`` wait; the watcher removes a job when it starts or
    ends.
    """
    return _sharded("jobs", shard, f"backlog:{backend}")


def backlogs(backend: str) -> list[str]:
    """``backend``'s backlog in every shard."""
    return [backlog(shard, backend) for shard in range(_shards)]


def projects_registry(shard: int) -> str:
    """Set of the known project names of ``shard`` (a project's shard: :func:`shard_of`)."""
    return _sharded("projects", shard, "projects")


def projects_registries() -> list[str]:
    """Every shard of the projects registry."""
    return [projects_registry(shard) for shard in range(_shards)]


def project_registry(project: str) -> str:
    """The registry shard that lists ``project``."""
    return projects_registry(shard_of(project))


def watchers_registry(shard: int) -> str:
    """Hash of watcher id -> last heartbeat (JSON) of the watchers of ``shard``."""
    return _sharded("watchers", shard, "watchers")


def watchers_registries() -> list[str]:
    """Every shard of the watchers registry."""
    return [watchers_registry(shard) for shard in range(_shards)]


def watcher_registry(watcher_id: str) -> str:
    """The registry shard that holds ``watcher_id``'s heartbeat."""
    return watchers_registry(shard_of(watcher_id))


def job(job_id: str) -> str:
    """Hash with a job's fields and state."""
    return f"{NAMESPACE}:{{{job_id}}}:job"


def job_events(job_id: str) -> str:
    """Stream of a job's events; entry id ``0-<seq>`` so replay is ``XRANGE (0-N +``."""
    return f"{NAMESPACE}:{{{job_id}}}:events"


def job_text(job_id: str) -> str:
    """String with the answer text produced so far (for snapshots)."""
    return f"{NAMESPACE}:{{{job_id}}}:text"


def job_live(job_id: str) -> str:
    """Sharded pub/sub channel of a job's live events (``SPUBLISH``, in the job's slot)."""
    return f"{NAMESPACE}:{{{job_id}}}:live"


def job_of_live(channel: str) -> str:
    """The job id of a :func:`job_live` channel."""
    return channel[channel.index("{") + 1 : channel.rindex("}")]


def job_answers(job_id: str) -> str:
    """List the app pushes answers to and a waiting watcher pops from."""
    return f"{NAMESPACE}:{{{job_id}}}:answers"


def job_semantic_half(job_id: str, half: str) -> str:
    """One half of a deferred semantic entry (``vector`` or ``filing``), until the other
    side takes it (:mod:`relay.semantic_handoff`)."""
    return f"{NAMESPACE}:{{{job_id}}}:semantic:{half}"


def project_order(project: str) -> str:
    """List of the project's unfinished job ids in submission order (head runs)."""
    return f"{NAMESPACE}:{{{project}}}:order"


def project_history(project: str) -> str:
    """List of the project's exchanges, oldest first (JSON entries)."""
    return f"{NAMESPACE}:{{{project}}}:history"


def project_replayed(project: str) -> str:
    """Set of job ids whose file-mode exchange was already replayed into the history."""
    return f"{NAMESPACE}:{{{project}}}:replayed"


def project_meta(project: str) -> str:
    """Hash of the conversation's own facts: ``title`` when the user renamed it."""
    return f"{NAMESPACE}:{{{project}}}:meta"


def project_active(project: str) -> str:
    """String holding the id of the project's most recent unfinished job."""
    return f"{NAMESPACE}:{{{project}}}:active"


def cache_namespace() -> str:
    """Prefix of the response and snapshot cache entries (aiocache's namespace)."""
    return f"{NAMESPACE}:cache:"


def inflight(cache_key: str) -> str:
    """Single-flight marker: the job currently computing the answer for ``cache_key``."""
    return f"{NAMESPACE}:inflight:{cache_key}"


def cache_generation(project: str) -> str:
    """Counter bumped when a project's history is cleared or edited; part of answer keys."""
    return f"{NAMESPACE}:{{{project}}}:cache_gen"


def semantic_scope(project: str, scope: str) -> str:
    """Semantic cache: the prompts (vectors) answered in one cache scope of ``project``."""
    return f"{NAMESPACE}:{{{project}}}:semantic:{scope}"
