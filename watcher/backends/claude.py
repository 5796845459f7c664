"""The ``claude`` backend: the Claude Code CLI on a PTY, streamed token by token.

Each round runs ``claude -p ... --output-format stream-json --verbose
--include-partial-messages`` in the project's own working folder, with one CLI
session per project: ``--session-id`` the first time, ``--resume`` after, the id kept
in ``<project folder>/.relay/claude-session-id``. The command line is a list built
from settings; the user's text is a single argument after ``--``, never seen by a
shell. A round that resumes after questions sends the answers as the next prompt of
the same session.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import uuid
from collections.abc import AsyncGenerator, Awaitable
from pathlib import Path

from relay.jobs import PROJECT_PATTERN
from relay.settings import Settings
from watcher.backends.ask import ASK_INSTRUCTIONS, answers_prompt
from watcher.backends.base import BackendError, BackendRequest, Output
from watcher.backends.ptyproc import LineBuffer, PtyProcess
from watcher.backends.streamjson import StreamJsonParser, shorten

SESSION_FILE = Path(".relay") / "claude-session-id"
# After the result line the CLI only has to exit; it gets this long before the kill.
_EXIT_AFTER_RESULT_S = 5.0
_MISSING_SESSION = "No conversation found"


class ClaudeBackend:
    """Runs the Claude Code CLI once per round; stops its process group when cancelled."""

    name = "claude"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def stream(self, request: BackendRequest) -> AsyncGenerator[Output, None]:
        """Yield the CLI's text deltas and tool activity; raise BackendError on failure."""
        workdir = project_dir(self.settings.projects_dir, request.project)
        sessions = SessionStore(workdir)
        process = await self._spawn(self.argv(request, sessions.load()), workdir)
        parser = StreamJsonParser()
        lines = LineBuffer()
        deadline = asyncio.get_running_loop().time() + self.settings.job_timeout_s
        try:
            while parser.result is None:
                chunk = await self._read(process, deadline)
                # At the end, an unterminated last line is still a line.
                for line in lines.feed(chunk) if chunk is not None else [lines.rest()]:
                    for output in parser.feed(line):
                        yield output
                    if parser.session_id:  # known from the init line on
                        sessions.remember(parser.session_id)
                if chunk is None:
                    break
            await self._conclude(process, parser, sessions)
        finally:
            await _uninterruptible(process.stop(self.settings.claude_kill_grace_s))

    def argv(self, request: BackendRequest, session_id: str | None) -> list[str]:
        """The CLI's command line for this round (resuming ``session_id`` if given)."""
        fresh = ["--session-id", str(uuid.uuid4())]
        session = ["--resume", session_id] if session_id else fresh
        prompt = request.prompt
        if request.answers:
            prompt = answers_prompt(request.questions, request.answers)
        system = "\n\n".join(part for part in (request.personality, ASK_INSTRUCTIONS) if part)
        return [
            self.settings.claude_command,
            "-p",
            *("--output-format", "stream-json", "--verbose", "--include-partial-messages"),
            *shlex.split(self.settings.claude_extra_args),
            *session,
            *("--append-system-prompt", system),
            "--",  # whatever the prompt looks like, it is not an option
            prompt,
        ]

    async def aclose(self) -> None:
        """Nothing is held between rounds: each round's process is stopped by its stream."""

    async def _spawn(self, argv: list[str], workdir: Path) -> PtyProcess:
        env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1"}
        try:
            return await PtyProcess.spawn(argv, workdir, env)
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

    async def _conclude(
        self, process: PtyProcess, parser: StreamJsonParser, sessions: SessionStore
    ) -> None:
        """After the output: a successful result returns; anything else raises."""
        if parser.result is not None:
            await process.wait(_EXIT_AFTER_RESULT_S)
            error = parser.result_error()
            if error is not None:
                raise BackendError(f"the Claude CLI reported an error: {shorten(error, 500)}")
            return
        status = await process.wait(self.settings.claude_kill_grace_s)
        await process.wait_stderr(1.0)
        detail = process.stderr_text() or "\n".join(parser.noise)
        if _MISSING_SESSION in detail:
            sessions.clear()  # the CLI lost it: the next message starts a new session
        how = f"exited with status {status}" if status else "ended without a result"
        message = f"the Claude CLI {how}"
        raise BackendError(f"{message}: {shorten(detail, 500)}" if detail else message)


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
