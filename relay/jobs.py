"""Jobs and events: the contract between the app, the watcher and the browser.

A job is a hash in Redis (or a JSON file in fallback mode); its events are numbered
1, 2, 3 ... and each is stored once as its finished SSE frame, so replay and live
delivery write the very same bytes and the app never re-serializes per client.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

import orjson

# \A...\Z, never ^...$: "$" also matches before a trailing newline ("evil\n").
PROJECT_PATTERN = re.compile(r"\A[A-Za-z0-9._-]{1,64}\Z")
JOB_ID_PATTERN = re.compile(r"\A[A-Za-z0-9_-]{16,64}\Z")
DEFAULT_PROJECT = "default"


class JobStatus(enum.StrEnum):
    """A job's lifecycle: pending -> processing -> (waiting_for_answers -> pending ...) -> end."""

    PENDING = "pending"
    PROCESSING = "processing"
    WAITING_FOR_ANSWERS = "waiting_for_answers"
    COMPLETE = "complete"
    ERROR = "error"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in FINISHED_STATUSES


FINISHED_STATUSES = frozenset({JobStatus.COMPLETE, JobStatus.ERROR, JobStatus.CANCELLED})


class EventType(enum.StrEnum):
    """The ``event:`` field of the SSE stream."""

    STATUS = "status"
    ACTIVITY = "activity"
    CHUNK = "chunk"
    QUESTIONS = "questions"
    DONE = "done"
    ERROR = "error"


def is_terminal(event_type: str, data: dict[str, Any]) -> bool:
    """True for the event that ends a job's stream: done, error, or a final status."""
    if event_type in (EventType.DONE, EventType.ERROR):
        return True
    return event_type == EventType.STATUS and data.get("status") in FINISHED_STATUSES


def finish_fields(status: JobStatus, finished_ts_s: float) -> dict[str, str]:
    """The job-hash fields every terminal write sets (Redis emitter and file sink)."""
    assert status in FINISHED_STATUSES
    return {"status": status.value, "finished_ts": repr(finished_ts_s)}


class Event(NamedTuple):
    """One event of a job, already rendered as its SSE frame.

    A named tuple, not a frozen dataclass: the app makes one per chunk per stream's
    channel, and a frozen dataclass takes three times as long to make.
    """

    job_id: str
    seq: int
    type: str
    #: When the watcher emitted it, unix time in milliseconds (``ts`` in the JSON data).
    ts_ms: float
    frame: bytes
    terminal: bool

    @classmethod
    def create(
        cls, job_id: str, seq: int, type: str, ts_ms: float, payload: dict[str, Any]
    ) -> Event:
        """Render ``payload`` (plus ``seq`` and ``ts``, in ms) into an SSE frame.

        Byte for byte what the emitter's Lua script writes: data is
        ``{"seq":N,<payload>,"ts":T}`` with ``T`` the ``repr`` of the ms timestamp.
        """
        body = orjson.dumps(payload)[1:-1]
        inner = b"," + body if body else b""
        frame = b'id: %d\nevent: %s\ndata: {"seq":%d%s,"ts":%s}\n\n' % (
            seq,
            type.encode(),
            seq,
            inner,
            repr(ts_ms).encode(),
        )
        return cls(job_id, seq, type, ts_ms, frame, is_terminal(type, payload))

    def data(self) -> dict[str, Any]:
        """The decoded JSON ``data`` of the frame."""
        start = self.frame.index(b"data: ") + 6
        data: dict[str, Any] = orjson.loads(self.frame[start:-2])
        return data

    # The pub/sub message is a one-line header then the frame; the header lets the
    # hub route and de-duplicate without parsing JSON.
    def to_message(self) -> bytes:
        flag = b"1" if self.terminal else b"0"
        return b"%s %d %s %r %s\n%s" % (
            self.job_id.encode(),
            self.seq,
            self.type.encode(),
            self.ts_ms,
            flag,
            self.frame,
        )

    @classmethod
    def from_message(cls, message: bytes) -> Event:
        header, frame = message.split(b"\n", 1)
        job_id, seq, type_, ts, flag = header.split(b" ")
        return cls(job_id.decode(), int(seq), type_.decode(), float(ts), frame, flag == b"1")

    @classmethod
    def from_fields(cls, fields: Mapping[Any, Any] | None) -> Event:
        """An event from its event-log stream entry (its id is ``0-<seq>``)."""
        if not fields or not isinstance(message := fields.get(b"m"), bytes):
            raise ValueError(f"not an event-log entry: {fields!r}")
        return cls.from_message(message)


@dataclass
class Job:
    """A chat job. Stored as a Redis hash of strings (``to_hash``) or a JSON file."""

    id: str
    message: str
    project: str = DEFAULT_PROJECT
    model: str = ""
    personality: str = ""
    use_cache: bool = True
    status: JobStatus = JobStatus.PENDING
    created_ts: float = 0.0
    started_ts: float = 0.0
    finished_ts: float = 0.0
    watcher: str = ""
    activity: str = ""
    result: str = ""
    error: str = ""
    #: "" or the cache tier that answered ("exact", "semantic").
    cached: str = ""
    #: The prompt's embedding (base64 float32) when the semantic tier looked it up and
    #: missed: the watcher files the answer under it.
    prompt_embedding: str = ""
    #: The prompt's scope held nothing it could match, so the app embeds it after the
    #: job started; app and watcher then file the entry together (relay.semantic_handoff).
    embedding_deferred: bool = False
    questions: list[Any] = field(default_factory=list)
    answers: list[Any] = field(default_factory=list)
    cache_key: str = ""
    traceparent: str = ""
    attempt: int = 0
    last_seq: int = 0

    _JSON_FIELDS = ("questions", "answers")
    _BOOL_FIELDS = ("use_cache", "embedding_deferred")
    _FLOAT_FIELDS = ("created_ts", "started_ts", "finished_ts")
    _INT_FIELDS = ("attempt", "last_seq")

    def to_hash(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in self.__dataclass_fields__:  # not asdict(): it deep-copies every value
            value = getattr(self, name)
            if name in self._JSON_FIELDS:
                out[name] = orjson.dumps(value).decode()
            elif name in self._BOOL_FIELDS:
                out[name] = "1" if value else "0"
            else:
                out[name] = str(value)
        return out

    @classmethod
    def from_hash(cls, raw: dict[Any, Any]) -> Job:
        """The job a ``to_hash`` mapping (str or bytes, as Redis gives it) describes.

        Unknown fields are skipped. Each field's decoder is looked up once per field
        name (:func:`_hash_decoders`), not found by testing the field's kind.
        """
        decoders = _hash_decoders()
        values: dict[str, Any] = {}
        for key, value in raw.items():
            known = decoders.get(key)
            if known is not None:
                name, decode = known
                values[name] = decode(value.decode() if isinstance(value, bytes) else value)
        return cls(**values)

    def to_json(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> Job:
        values = orjson.loads(raw)
        values["status"] = JobStatus(values["status"])
        if isinstance(values.get("cached"), bool):  # files written before tiers were named
            values["cached"] = "exact" if values["cached"] else ""
        return cls(**values)

    def timings(self) -> dict[str, float | None]:
        """Queue wait and run time in milliseconds, where known."""

        def span(start: float, end: float) -> float | None:
            return round((end - start) * 1000, 3) if start and end else None

        return {
            "queue_wait_ms": span(self.created_ts, self.started_ts),
            "run_ms": span(self.started_ts, self.finished_ts),
            "total_ms": span(self.created_ts, self.finished_ts),
        }


@functools.cache
def _hash_decoders() -> dict[str | bytes, tuple[str, Callable[[str], Any]]]:
    """Per job-hash field name (as str and as bytes): the attribute and its decoder."""

    def plain(text: str) -> str:
        return text

    def cached_tier(text: str) -> str:
        return {"0": "", "1": "exact"}.get(text, text)  # older hashes kept flags

    kinds: dict[str, Callable[[str], Any]] = {
        **dict.fromkeys(Job._JSON_FIELDS, lambda text: orjson.loads(text) if text else []),
        **dict.fromkeys(Job._BOOL_FIELDS, lambda text: text == "1"),
        **dict.fromkeys(Job._FLOAT_FIELDS, lambda text: float(text or 0)),
        **dict.fromkeys(Job._INT_FIELDS, lambda text: int(text or 0)),
        "status": JobStatus,
        "cached": cached_tier,
    }
    decoders: dict[str | bytes, tuple[str, Callable[[str], Any]]] = {}
    for name in Job.__dataclass_fields__:
        decoder = (name, kinds.get(name, plain))
        decoders[name] = decoders[name.encode()] = decoder
    return decoders
