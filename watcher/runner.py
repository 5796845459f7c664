"""Runs one job: the backend's rounds, every output emitted as an event, then the end.

Reads top to bottom: mark processing -> stream the backend (text through the ask
filter) -> if it asked questions, wait for answers and run another round -> done.
Every way out ends the job with exactly one terminal event: ``done``, ``error``, or
``status: cancelled``. A cancel from the user arrives as asyncio cancellation of
this task with the message :data:`USER_CANCEL` (``task.cancel(msg=...)``); a watcher
shutting down cancels it without one, and then the job is left unacknowledged so
that another watcher reclaims it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from relay import models, telemetry
from relay.buffered_histogram import BufferedHistogram
from relay.connections import REDIS_DOWN_ERRORS, REDIS_OUTAGE
from relay.emitter import JobFinishedError
from relay.history import entry as history_entry
from relay.history import qa_round
from relay.jobs import EventType, Job, JobStatus
from relay.settings import Settings
from watcher.backends.ask import AskBlockFilter
from watcher.backends.base import (
    FINISHED_NORMALLY,
    Activity,
    Backend,
    BackendError,
    BackendRequest,
    Finished,
    Output,
    Questions,
    Reset,
    TextDelta,
)
from watcher.backends.registry import BackendRegistry
from watcher.sinks import ChannelLostError, JobSink

log = logging.getLogger(__name__)

#: The outcome of a job whose channel went away mid-run: it has not ended.
INTERRUPTED = "interrupted"

#: ``hook(job, result, chunks)``: called when a job completed with a whole, non-empty
#: answer (never for one the backend cut short: such an answer must not be reused),
#: after its exchange was saved to the history and before ``done`` is emitted (so a
#: client that reacts to ``done`` already sees what the hooks stored). ``chunks`` are
#: the chunk texts in order (``"".join(chunks) == result``); ``job.questions`` is
#: non-empty when the agent asked questions on the way.
CompletedHook = Callable[[Job, str, Sequence[str]], Awaitable[None]]

#: The message a user's cancel carries (``task.cancel(msg=USER_CANCEL)``); a
#: cancellation without it is a shutdown.
USER_CANCEL = "cancelled by the user"


def cancel_for_user(task: asyncio.Task[Any]) -> None:
    """Cancel a job's task because its user asked (once: repeats change nothing)."""
    if not task.done() and not task.cancelling():
        task.cancel(msg=USER_CANCEL)


def is_user_cancel(exc: asyncio.CancelledError) -> bool:
    """Whether this cancellation came from the user (not from a shutdown)."""
    return exc.args[:1] == (USER_CANCEL,)


def consume_cancel() -> None:
    """Mark the current task's cancellation as handled (it goes on running)."""
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()


@dataclass
class _Progress:
    """What one job has produced so far."""

    started: float
    #: When the watcher received the job from the queue (the consumer span starts there).
    received: float = 0.0
    #: The job's route name: its bounded metric label.
    route: str = ""
    parts: list[str] = field(default_factory=list)
    #: len(parts) when the current backend round began (a Reset keeps what came before).
    round_start: int = 0
    #: The agent's questions and the user's answers, one dict per round.
    qa: list[dict[str, Any]] = field(default_factory=list)
    first_token_at: float = 0.0
    last_chunk_at: float = 0.0
    #: How the backend said the last round ended (backends that never say: normally).
    finished: Finished = FINISHED_NORMALLY
    chunk_gaps: BufferedHistogram | None = None  # this job's model's child of CHUNK_GAP


class JobRunner:
    """Runs jobs on backends and reports through a :class:`JobSink`."""

    def __init__(self, settings: Settings, registry: BackendRegistry, watcher_id: str) -> None:
        self._settings = settings
        self._registry = registry
        self._watcher_id = watcher_id
        #: Called after a job completed (the response cache stores answers here).
        self.completed_hooks: list[CompletedHook] = []

    async def run(
        self,
        job: Job,
        sink: JobSink,
        *,
        restarted: bool = False,
        received_ts: float | None = None,
    ) -> str:
        """Run ``job`` to its end and return the outcome; re-raises shutdown cancellation.

        ``received_ts`` is when the watcher took the job off the queue (default: now);
        the job's CONSUMER span starts there, a child of the app's PRODUCER span.
        :data:`INTERRUPTED` means the job did not end (its channel was lost): the
        caller must leave it unacknowledged so that it runs again.
        """
        model = job.model or self._settings.default_model
        route = models.route_name(self._settings, model)
        started = time.time()
        received = min(received_ts or started, started)
        progress = _Progress(started=started, received=received, route=route)
        parent = telemetry.context_from_traceparent(job.traceparent)
        with telemetry.tracer.start_as_current_span(
            f"process {telemetry.JOBS_DESTINATION}",
            context=parent,
            kind=SpanKind.CONSUMER,
            start_time=int(received * 1e9),
            attributes=telemetry.messaging_attributes("process", job.id, sink.mode),
        ) as span:
            span.set_attribute("relay.job_id", job.id)
            span.set_attribute("relay.model", route)
            try:
                outcome = await self._run_guarded(job, model, sink, progress, restarted)
            except ChannelLostError as exc:
                # Not the job's fault and not its end: it is reclaimed once Redis is
                # back. The outage is logged once for all the jobs it interrupts.
                REDIS_OUTAGE.lost(exc.__cause__ or exc, interrupted_job=True)
                span.set_attribute("relay.outcome", INTERRUPTED)
                return INTERRUPTED
            finally:
                if progress.chunk_gaps is not None:
                    progress.chunk_gaps.flush()  # this job's gaps are counted by its end
            span.set_attribute("relay.outcome", outcome)
            telemetry.observe_with_exemplar(
                telemetry.JOB_DURATION.labels(route, outcome), time.time() - progress.started
            )
        telemetry.JOBS_FINISHED.labels(route, outcome).inc()
        log.info(
            "job finished job_id=%s model=%s outcome=%s duration_ms=%.1f",
            job.id,
            model,
            outcome,
            (time.time() - progress.started) * 1000,
        )
        return outcome

    async def _run_guarded(
        self, job: Job, model: str, sink: JobSink, progress: _Progress, restarted: bool
    ) -> str:
        try:
            result = await self._run_rounds(job, model, sink, progress, restarted)
        except JobFinishedError:
            return "cancelled"  # ended elsewhere (cancelled by the user) while we ran
        except ChannelLostError:
            raise
        except asyncio.CancelledError as exc:
            if not is_user_cancel(exc):
                raise  # shutdown: leave it unacknowledged for another watcher
            consume_cancel()
            await self._end(sink, JobStatus.CANCELLED, EventType.STATUS, {"status": "cancelled"})
            return "cancelled"
        except TimeoutError:
            message = f"the agent took longer than {self._settings.job_timeout_s:g} s"
            await self._fail(job, sink, progress, message)
            return "error"
        except BackendError as exc:
            await self._fail(job, sink, progress, str(exc))
            return "error"
        except Exception as exc:
            log.exception("job crashed job_id=%s", job.id)
            await self._fail(job, sink, progress, f"internal error: {type(exc).__name__}: {exc}")
            return "error"
        await self._complete(job, sink, progress, result)
        return "complete"

    async def _run_rounds(
        self, job: Job, model: str, sink: JobSink, progress: _Progress, restarted: bool
    ) -> str:
        now = time.time()
        payload: dict[str, Any] = {"status": JobStatus.PROCESSING.value}
        if restarted:
            payload.update(reset=True, attempt=job.attempt + 1)
        marked = sink.emit(
            EventType.STATUS,
            payload,
            fields={
                "status": JobStatus.PROCESSING.value,
                "started_ts": repr(now),
                "watcher": self._watcher_id,
                "attempt": str(job.attempt + (1 if restarted else 0)),
            },
            reset_text=restarted,
        )
        # Both in the same round trip: nothing is waited for before the backend starts.
        _, history = await asyncio.gather(marked, sink.history(job.project))
        waited_s = max(now - job.created_ts, 0)
        telemetry.observe_with_exemplar(telemetry.QUEUE_WAIT, waited_s)
        trace.get_current_span().set_attribute("relay.queue_wait_ms", round(waited_s * 1000, 3))
        # Inside the consumer span: received -> started (its project's turn, a free
        # slot). The time in Redis before that is the gap after the producer span.
        telemetry.record_interval_span("queue_wait", progress.received, now)
        backend = self._registry.backend_for(model)
        answers: tuple[Any, ...] = ()
        questions: tuple[str, ...] = ()
        while True:
            request = BackendRequest(
                job_id=job.id,
                prompt=job.message,
                project=job.project,
                model=model,
                personality=job.personality,
                history=history,
                answers=answers,
                questions=questions,
            )
            asked = await self._round(job, backend, request, sink, progress)
            if asked is None:
                return "".join(progress.parts)
            questions = asked.questions
            job.questions = list(questions)  # completed hooks see the answer needed answers
            progress.qa.append(qa_round(questions, []))
            answers = tuple(await self._ask(sink, asked))
            progress.qa[-1] = qa_round(questions, answers)

    async def _round(
        self,
        job: Job,
        backend: Backend,
        request: BackendRequest,
        sink: JobSink,
        progress: _Progress,
    ) -> Questions | None:
        """One backend run; the questions it asked, if any."""
        telemetry.BACKEND_RUNS.labels(backend.name).inc()
        ask_filter = AskBlockFilter()
        asked: Questions | None = None
        progress.round_start = len(progress.parts)
        with telemetry.child_span("backend") as span:
            span.set_attribute("relay.backend", backend.name)
            async with asyncio.timeout(self._settings.job_timeout_s):
                stream = backend.stream(request)
                try:
                    async for output in stream:
                        if isinstance(output, Reset):
                            ask_filter = AskBlockFilter()  # a half-read block is void too
                        items = (
                            ask_filter.feed(output.text)
                            if isinstance(output, TextDelta)
                            else [output]
                        )
                        for item in items:
                            asked = await self._emit(job, item, sink, progress) or asked
                finally:
                    with contextlib.suppress(Exception):
                        await stream.aclose()
            for item in ask_filter.flush():
                asked = await self._emit(job, item, sink, progress) or asked
        # The last chunk's outcome, before anything trusts the answer as written (its
        # history, the cache): a job cancelled meanwhile raises here.
        await sink.settle()
        return asked

    async def _emit(
        self, job: Job, output: Output, sink: JobSink, progress: _Progress
    ) -> Questions | None:
        if isinstance(output, TextDelta):
            if not output.text:
                return None
            now = time.time()
            route = progress.route
            if not progress.first_token_at:
                progress.first_token_at = now
                telemetry.observe_with_exemplar(
                    telemetry.FIRST_CHUNK_EMITTED.labels(route), max(now - job.created_ts, 0)
                )
                with telemetry.child_span("first_token"):
                    pass
                progress.chunk_gaps = telemetry.chunk_gaps(route)
            elif progress.chunk_gaps is not None:
                # Per chunk: no exemplar (a trace-id lookup each time); the job's trace
                # is on its time-to-first-token observation.
                progress.chunk_gaps.observe(now - progress.last_chunk_at)
            progress.last_chunk_at = now
            progress.parts.append(output.text)
            await sink.emit_chunk(output.text)  # settled by the next write, or the round's end
        elif isinstance(output, Activity):
            await sink.emit(
                EventType.ACTIVITY, {"text": output.text}, fields={"activity": output.text}
            )
        elif isinstance(output, Questions):
            return output
        elif isinstance(output, Reset):
            await self._reset(sink, progress)
        elif isinstance(output, Finished):
            progress.finished = output
        return None

    async def _reset(self, sink: JobSink, progress: _Progress) -> None:
        """The round's answer restarted: clients drop the text, then get earlier rounds'."""
        del progress.parts[progress.round_start :]
        processing = JobStatus.PROCESSING.value
        await sink.emit(
            EventType.STATUS,
            {"status": processing, "reset": True},
            fields={"status": processing},
            reset_text=True,
        )
        if progress.parts:
            earlier = "".join(progress.parts)
            progress.parts[:] = [earlier]
            progress.round_start = 1
            await sink.emit_chunk(earlier)

    async def _ask(self, sink: JobSink, asked: Questions) -> list[Any]:
        """Publish the questions and wait for the user's answers."""
        questions = list(asked.questions)
        await sink.emit(
            EventType.QUESTIONS,
            {"questions": questions},
            fields={
                "status": JobStatus.WAITING_FOR_ANSWERS.value,
                "questions": orjson.dumps(questions).decode(),
            },
        )
        answers = await sink.wait_answers(self._settings.answers_timeout_s)
        if answers is None:
            raise BackendError("no answers arrived for the agent's questions")
        await sink.emit(
            EventType.STATUS,
            {"status": JobStatus.PROCESSING.value, "answered": True},
            fields={
                "status": JobStatus.PROCESSING.value,
                "answers": orjson.dumps(answers).decode(),
            },
        )
        return answers

    async def _complete(self, job: Job, sink: JobSink, progress: _Progress, result: str) -> None:
        end = time.time()
        timings = {
            "queue_wait_ms": _ms(job.created_ts, progress.started),
            "time_to_first_token_ms": _ms(job.created_ts, progress.first_token_at),
            "run_ms": _ms(progress.started, end),
            "total_ms": _ms(job.created_ts, end),
        }
        finished = progress.finished
        # History and hooks first: a client that asks again as soon as it sees ``done``
        # must find the exchange in the history and the answer in the cache.
        entry = history_entry(
            user=job.message, assistant=result, job_id=job.id, qa=progress.qa, ts=end
        )
        if finished.truncated:
            entry["truncated"] = True  # what the user saw, marked as cut short
        with contextlib.suppress(Exception):
            await sink.save_history(job.project, entry)
        if result and not finished.truncated:  # a cut or empty answer is never reused
            for hook in self.completed_hooks:
                try:
                    await hook(job, result, tuple(progress.parts))
                except REDIS_DOWN_ERRORS as exc:
                    REDIS_OUTAGE.lost(exc)  # the finish below meets the outage too
                except Exception:
                    log.exception("completed hook failed job_id=%s", job.id)
        else:
            log.info(
                "answer not reusable job_id=%s finish_reason=%s chars=%d",
                job.id,
                finished.reason,
                len(result),
            )
        done: dict[str, Any] = {"result": result, "cached": False, "timings": timings}
        done["finish_reason"] = finished.reason
        if finished.truncated:
            done["truncated"] = True
        await sink.finish(JobStatus.COMPLETE, EventType.DONE, done, fields={"result": result})

    async def _fail(self, job: Job, sink: JobSink, progress: _Progress, message: str) -> None:
        trace.get_current_span().set_status(StatusCode.ERROR, message)  # the job's span
        try:
            await sink.finish(
                JobStatus.ERROR, EventType.ERROR, {"message": message}, {"error": message}
            )
        except JobFinishedError:
            return  # cancelled meanwhile: that turn is the one the history keeps
        # The failed turn stays in the conversation: the message, the text so far and
        # why it failed (after ``error``, so a cancel that won the race is not doubled).
        entry = history_entry(
            user=job.message,
            assistant="".join(progress.parts),
            outcome="error",
            job_id=job.id,
            error=message,
            qa=progress.qa,
        )
        with contextlib.suppress(Exception):
            await sink.save_history(job.project, entry)

    async def _end(
        self,
        sink: JobSink,
        status: JobStatus,
        event_type: EventType,
        payload: dict[str, Any],
        fields: dict[str, str] | None = None,
    ) -> None:
        with contextlib.suppress(JobFinishedError):
            await sink.finish(status, event_type, payload, fields)


def _ms(start: float, end: float) -> float | None:
    return round((end - start) * 1000, 3) if start and end else None
