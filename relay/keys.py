"""Every Redis key, stream, group and channel name, shared by the app and the watcher.

Per-job and per-project keys carry a hash tag (``{job_id}``, ``{project}``) so that
all keys of one job live in one slot and the layout works unchanged on Redis Cluster.
"""

from __future__ import annotations

NAMESPACE = "relay"

#: The stream every submitted job is appended to; watchers read it through a group.
JOBS_STREAM = f"{NAMESPACE}:jobs"
#: The consumer group all watchers share.
WATCHER_GROUP = "watchers"
#: Every event of every job is published here; each app process subscribes once.
EVENTS_CHANNEL = f"{NAMESPACE}:events"
#: Cancel and answer notices for watchers (the job hash is the source of truth).
CONTROL_CHANNEL = f"{NAMESPACE}:control"
#: Hash of watcher id -> last heartbeat (unix seconds).
WATCHERS_HASH = f"{NAMESPACE}:watchers"
#: Set of known project names.
PROJECTS_SET = f"{NAMESPACE}:projects"


def job(job_id: str) -> str:
    """Hash with a job's fields and state."""
    return f"{NAMESPACE}:{{{job_id}}}:job"


def job_events(job_id: str) -> str:
    """Stream of a job's events; entry id ``0-<seq>`` so replay is ``XRANGE (0-N +``."""
    return f"{NAMESPACE}:{{{job_id}}}:events"


def job_text(job_id: str) -> str:
    """String with the answer text produced so far (for snapshots)."""
    return f"{NAMESPACE}:{{{job_id}}}:text"


def job_answers(job_id: str) -> str:
    """List the app pushes answers to and a waiting watcher pops from."""
    return f"{NAMESPACE}:{{{job_id}}}:answers"


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


def backend_backlog(backend: str) -> str:
    """Sorted set of the jobs waiting to start on ``backend`` (score: submit time).

    The app adds a job when it submits it and refuses new chats (503) once the set
    holds ``queue_max_length``; the watcher removes it when the job starts or ends.
    """
    return f"{NAMESPACE}:{{backlog:{backend}}}:jobs"
