"""The ``claude`` backend: the Claude Code CLI on a PTY, streamed token by token.

Each round runs ``claude -p --output-format stream-json --verbose
--include-partial-messages`` in the project's own working folder, with one CLI
session per project: ``--session-id`` the first time, ``--resume`` after, the id kept
in ``<project folder>/.relay/claude-session-id``. The command line is a list built
from settings; the user's text goes to the CLI's standard input (any size, never an
option, never a slash command: one leading ``/`` gets a space before it). A round that
resumes after questions sends the answers as the next prompt of the same session.

A session the CLI no longer has (it deletes transcripts after ``cleanupPeriodDays``)
is forgotten and the round runs again in a fresh session, said in an activity line.
``done`` follows the ``result`` line at once: the CLI's own exit, and the end of
anything it left running, are awaited in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from dataclasses import dataclass, field
from pathlib import Path

from relay.jobs import PROJECT_PATTERN
from relay.settings import Settings
from watcher.backends.ask import ASK_INSTRUCTIONS, answers_prompt
from watcher.backends.base import Activity, BackendError, BackendRequest, Output
from watcher.backends.ptyproc import LineBuffer, PtyProcess
from watcher.backends.streamjson import MISSING_SESSION, StreamJsonParser, shorten

SESSION_FILE = Path(".relay") / "claude-session-id"
LOST_SESSION_ACTIVITY = "The earlier Claude session was not found: starting a new one"
# After the result line the CLI only has to exit; it gets this long before the kill.
_EXIT_AFTER_RESULT_S = 10.0


@dataclass
class _Run:
    """One CLI process's outcome: what the parser saw, and how it ended without a result."""

    parser: StreamJsonParser = field(default_factory=StreamJsonParser)
    status: int | None = None
    stderr: str = ""

    def lost_session(self) -> bool:
        return self.parser.lost_session() or MISSING_SESSION in self.stderr


class ClaudeBackend:
    """Runs the Claude Code CLI once per round; stops its whole process tree at the end."""

    name = "claude"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._retiring: dict[asyncio.Task[None], PtyProcess] = {}

    async def stream(self, request: BackendRequest) -> AsyncIterator[Output]:
        """Yield the CLI's text deltas and activity; raise BackendError on failure."""
        workdir = project_dir(self.settings.projects_dir, request.project)
        sessions = SessionStore(workdir)
        resume = sessions.load()
        run = _Run()
        for session_id in (resume, None) if resume else (None,):
            run = _Run()
            # aclosing: a cancelled or closed stream stops the CLI now, not at collection.
            outputs = self._run(request, session_id, workdir, sessions, run)
            async with contextlib.aclosing(outputs):
                async for output in outputs:
                    yield output
            if not (session_id and run.lost_session()):
                break
            sessions.clear()  # the CLI lost it: this round starts a new session
            yield Activity(LOST_SESSION_ACTIVITY)
        _conclude(run)

    def argv(self, request: BackendRequest, session_id: str | None) -> list[str]:
        """The CLI's command line for this round (resuming ``session_id`` if given)."""
        fresh = ["--session-id", str(uuid.uuid4())]
        session = ["--resume", session_id] if session_id else fresh
        system = "\n\n".join(part for part in (request.personality, ASK_INSTRUCTIONS) if part)
        permissions = ["--permission-mode", self.settings.claude_permission_mode]
        if self.settings.claude_allowed_tools:
            # One argument with "=": the option takes several values and would swallow more.
            permissions.append(f"--allowedTools={self.settings.claude_allowed_tools}")
        return [
            self.settings.claude_command,
            "-p",
            *("--output-format", "stream-json", "--verbose", "--include-partial-messages"),
            *permissions,
            *shlex.split(self.settings.claude_extra_args),
            *session,
            *("--append-system-prompt", system),
        ]

    @staticmethod
    def prompt_bytes(request: BackendRequest) -> bytes:
        """The prompt as written to the CLI's standard input."""
        prompt = request.prompt
        if request.answers:
            prompt = answers_prompt(request.questions, request.answers)
        if prompt.startswith("/"):
            prompt = " " + prompt  # the CLI runs "/name ..." as its own command
        return prompt.encode()

    async def aclose(self) -> None:
        """Stop the CLI processes still exiting after their result, now."""
        retiring = dict(self._retiring)
        grace = self.settings.claude_kill_grace_s
        await asyncio.gather(*(process.stop(grace) for process in retiring.values()))
        await asyncio.gather(*retiring, return_exceptions=True)

    async def _run(
        self,
        request: BackendRequest,
        resume: str | None,
        workdir: Path,
        sessions: SessionStore,
        run: _Run,
    ) -> AsyncGenerator[Output, None]:
        parser = run.parser
        process = await self._spawn(self.argv(request, resume), workdir, request)
        lines = LineBuffer()
        deadline = asyncio.get_running_loop().time() + self.settings.job_timeout_s
        try:
            while parser.result is None:
                chunk = await self._read(process, deadline)
                # At the end, an unterminated last line is still a line.
                for line in lines.feed(chunk) if chunk is not None else [lines.rest()]:
                    for output in parser.feed(line):
                        yield output
                    if parser.session_id and not parser.lost_session():
                        sessions.remember(parser.session_id)  # known from the init line on
                if chunk is None:
                    break
            if parser.result is None:
                run.status = await process.wait(self.settings.claude_kill_grace_s)
                await process.wait_stderr(1.0)
            run.stderr = process.stderr_text()
        except BaseException:
            await _uninterruptible(process.stop(self.settings.claude_kill_grace_s))
            raise
        self._retire(process)

    def _retire(self, process: PtyProcess) -> None:
        """Let the CLI exit (or be stopped) in the background, so the answer ends now."""
        task = asyncio.create_task(
            process.retire(_EXIT_AFTER_RESULT_S, self.settings.claude_kill_grace_s)
        )
        self._retiring[task] = process
        task.add_done_callback(lambda done: self._retiring.pop(done, None))

    async def _spawn(self, argv: list[str], workdir: Path, request: BackendRequest) -> PtyProcess:
        env = {
            **os.environ,
            "TERM": "dumb",
            "NO_COLOR": "1",
            "CLAUDE_CODE_MAX_RETRIES": str(self.settings.claude_max_retries),
        }
        try:
            return await PtyProcess.spawn(argv, workdir, env, self.prompt_bytes(request))
        except OSError as exc:
            raise BackendError(
                f"cannot start the Claude CLI {argv[0]!r} ({exc.strerror or exc}); "
                "set RELAY_CLAUDE_COMMAND to its path"
            ) from None

    async def _read(self, process: PtyProcess, deadline: float) -> bytes | None:
        # The deadline covers only this wait, never the consumer's time between yields.
        try:
            async with asyncio.timeout_at(deadline):
                return await process.read()
        except TimeoutError:
            raise BackendError(
                f"the Claude CLI did not finish within {self.settings.job_timeout_s:g} s"
            ) from None


def _conclude(run: _Run) -> None:
    """After the output: a successful result returns; anything else raises."""
    parser = run.parser
    if parser.result is not None:
        error = parser.result_error()
        if error is not None:
            raise BackendError(f"the Claude CLI reported an error: {shorten(error, 500)}")
        return
    detail = shorten(run.stderr or "\n".join(parser.noise), 500)
    how = f"exited with status {run.status}" if run.status else "ended without a result"
    message = f"the Claude CLI {how}"
    raise BackendError(f"{message}: {detail}" if detail else message)


class SessionStore:
    """The project's Claude CLI session id, kept in a file in its working folder."""

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / SESSION_FILE
        self._stored: str | None = None

    def load(self) -> str | None:
        """The stored session id, or None before the first round."""
        try:
            self._stored = self.path.read_text().strip() or None
        except FileNotFoundError:
            self._stored = None
        return self._stored

    def remember(self, session_id: str) -> None:
        """Store ``session_id`` (once the CLI has confirmed it), atomically."""
        if session_id == self._stored:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(session_id)
        os.replace(temporary, self.path)  # a crash never leaves half a file
        self._stored = session_id

    def clear(self) -> None:
        """Forget the session."""
        self.path.unlink(missing_ok=True)
        self._stored = None


def project_dir(projects_dir: Path, project: str) -> Path:
    """The project's working folder under ``projects_dir``, created on first use."""
    if not PROJECT_PATTERN.match(project) or project in {".", ".."}:
        raise BackendError(f"invalid project name {project!r}")
    path = projects_dir / project
    path.mkdir(parents=True, exist_ok=True)
    return path


async def _uninterruptible(work: Awaitable[None]) -> None:
    """Finish ``work`` even if the caller is cancelled again meanwhile."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while True:
        try:
            await asyncio.shield(task)
            break
        except asyncio.CancelledError:
            if task.done():
                raise
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
