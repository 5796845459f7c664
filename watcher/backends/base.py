"""The one small interface every agent backend implements.

A backend turns a :class:`BackendRequest` into an async stream of outputs: text
deltas as the model produces them, activity lines (what the agent is doing) and,
optionally, questions for the user. Cancellation is asyncio's: the runner cancels
the task iterating the stream, and the backend's ``finally`` blocks really stop
the work (kill the process group, close the HTTP response, stop generation).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Exchange:
    """One earlier turn of the project's conversation."""

    user: str
    assistant: str


@dataclass(frozen=True)
class BackendRequest:
    """What a backend needs to answer one message (or resume after answers)."""

    job_id: str
    prompt: str
    project: str
    model: str
    personality: str = ""
    history: tuple[Exchange, ...] = ()
    #: Answers to the questions this job asked; empty on the first round.
    answers: tuple[Any, ...] = ()
    #: The questions those answers reply to.
    questions: tuple[Any, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer, streamed as soon as it exists."""

    text: str


@dataclass(frozen=True, slots=True)
class Activity:
    """A short line saying what the agent is doing (e.g. 'Running: ls')."""

    text: str


@dataclass(frozen=True, slots=True)
class Questions:
    """Questions for the user; the round ends and the job waits for answers."""

    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reset:
    """The answer restarted: the text streamed so far this round is void.

    The backend streams the valid text again after it (e.g. the CLI asked the API
    again after a stream broke off mid-answer, and the new answer replaces the old).
    """


Output = TextDelta | Activity | Questions | Reset


class BackendError(Exception):
    """The backend failed in a way the user should read about (clear message)."""


class Backend(Protocol):
    """An agent that answers chat messages."""

    name: str

    def stream(self, request: BackendRequest) -> AsyncIterator[Output]:
        """Yield the outputs of one round; raise :class:`BackendError` on failure."""
        ...

    async def aclose(self) -> None:
        """Release process-wide resources (pools, loaded models)."""
        ...
