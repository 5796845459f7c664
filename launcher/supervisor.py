"""Run child processes in the foreground: prefixed output, restarts, clean stop.

Each child runs in its own process group, so a Ctrl-C in the terminal reaches only
the launcher, which then stops the children in reverse start order: SIGTERM to the
child, a grace period, then SIGKILL to its whole group (workers included).

A supervised child that dies on its own is started again after a backoff that
doubles with each quick failure (:class:`RestartPolicy`); every restart is logged
with the reason (exit code or signal). Only a part that keeps failing — several
deaths in a row, each soon after its start — makes the supervisor give up.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from launcher.stack import Command

PREFIX_WIDTH = 7  # "watcher"
_PR_SET_PDEATHSIG = 1


@dataclass
class Child:
    """A running child process, the task copying its output, and how it was started."""

    name: str
    process: asyncio.subprocess.Process
    output: asyncio.Task[None]
    command: Command
    started_at: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.returncode is None


@dataclass(frozen=True)
class RestartPolicy:
    """When a part that died is started again, and when to stop trying."""

    #: Wait before the first restart; it doubles with each quick failure.
    first_delay_s: float = 0.5
    max_delay_s: float = 10.0
    #: A run at least this long was healthy: the next failure starts the count afresh.
    stable_after_s: float = 30.0
    #: Quick failures in a row after which the part is considered broken.
    give_up_after: int = 5

    def delay_s(self, failures: int) -> float:
        """The wait before restart number ``failures`` (1-based) of a failing streak."""
        return min(self.first_delay_s * 2 ** (failures - 1), self.max_delay_s)


class GaveUp(Exception):
    """A supervised part kept failing; the message says which and why."""


def exit_reason(returncode: int | None) -> str:
    """``"code 3"`` or ``"killed by SIGKILL"``, for the log line of a death."""
    if returncode is not None and returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"code {returncode}"


def die_with_parent() -> None:
    """In the child, before exec: be sent SIGTERM if the launcher itself is killed.

    Together with the process group this means even ``kill -9`` of the launcher
    leaves no Redis or nginx behind. Linux only; a no-op elsewhere.
    """
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


# Looked up once, before any fork: the child between fork and exec should do no more
# than one plain system call.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


class Supervisor:
    """Starts children, copies their output with a name prefix, restarts and stops them."""

    def __init__(
        self,
        out: TextIO = sys.stdout,
        stop_timeout_s: float = 10.0,
        policy: RestartPolicy | None = None,
    ) -> None:
        self.out = out
        self.stop_timeout_s = stop_timeout_s
        self.policy = policy or RestartPolicy()
        self.children: list[Child] = []
        self._stopping = False
        self._keepers: list[asyncio.Task[None]] = []
        self._gave_up: asyncio.Future[str] | None = None

    def say(self, name: str, line: str) -> None:
        """Write one line with the ``name  | `` prefix."""
        self.out.write(f"{name:<{PREFIX_WIDTH}} | {line}\n")
        self.out.flush()

    async def start(self, command: Command) -> Child:
        """Start ``command`` in its own process group with stdout and stderr merged."""
        child = await self._spawn(command)
        self.children.append(child)
        return child

    async def _spawn(self, command: Command) -> Child:
        process = await asyncio.create_subprocess_exec(
            *command.argv,
            env=command.env,
            cwd=command.cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            process_group=0,
            preexec_fn=die_with_parent,
            limit=1 << 20,
        )
        assert process.stdout is not None
        output = asyncio.create_task(self._copy_output(command.name, process.stdout))
        return Child(command.name, process, output, command)

    async def run_once(self, command: Command) -> int:
        """Run a one-shot ``command`` to its end, output prefixed; returns its exit code.

        Not one of :attr:`children`: it is neither supervised nor stopped with them.
        Cancelled (a signal while starting), it is killed with its group.
        """
        child = await self._spawn(command)
        try:
            code = await child.process.wait()
        finally:
            if child.running:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.pid, signal.SIGKILL)
                await child.process.wait()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(child.output, 2.0)
        return code

    def supervise(self, child: Child, prepare: Callable[[], object] | None = None) -> None:
        """From now on, start ``child`` again whenever it dies (``prepare`` runs first)."""
        if self._gave_up is None:
            self._gave_up = asyncio.get_running_loop().create_future()
        self._keepers.append(asyncio.create_task(self._keep_alive(child, prepare)))

    async def gave_up(self) -> str:
        """Wait until a supervised part kept failing; why, as one line."""
        if self._gave_up is None:
            self._gave_up = asyncio.get_running_loop().create_future()
        return await self._gave_up

    async def _keep_alive(self, child: Child, prepare: Callable[[], object] | None) -> None:
        failures = 0
        while True:
            await child.process.wait()
            if self._stopping:
                return
            ran_s = time.monotonic() - child.started_at
            failures = 1 if ran_s >= self.policy.stable_after_s else failures + 1
            reason = exit_reason(child.process.returncode)
            if failures > self.policy.give_up_after:
                why = f"{child.name} keeps failing ({reason}, {failures - 1} restarts)"
                if self._gave_up is not None and not self._gave_up.done():
                    self._gave_up.set_result(why)
                return
            delay = self.policy.delay_s(failures)
            self.say(
                "relay",
                f"{child.name} exited ({reason}) after {ran_s:.1f} s; restarting in "
                f"{delay:g} s (quick failure {failures} of {self.policy.give_up_after})",
            )
            await asyncio.sleep(delay)
            if self._stopping:
                return
            # Orphans of the dead one (Granian's workers) would hold its port.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(child.output, 2.0)  # its last words first
            try:
                if prepare is not None:
                    prepare()
                replacement = await self._spawn(child.command)
            except OSError as exc:  # could not even start: counts as one more failure
                self.say("relay", f"{child.name} could not be started: {exc}")
                child.started_at = time.monotonic()
                continue
            self.children[self.children.index(child)] = replacement
            child = replacement
            self.say("relay", f"{child.name} restarted (pid {child.pid})")

    async def stop_all(self) -> None:
        """Stop every child, most recently started first; always returns."""
        self._stopping = True
        for keeper in self._keepers:
            keeper.cancel()
        for child in reversed(self.children):
            await self.stop(child)

    async def stop(self, child: Child) -> None:
        """SIGTERM the child, wait, then SIGKILL its whole process group."""
        if child.running:
            with contextlib.suppress(ProcessLookupError):
                child.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(child.process.wait(), self.stop_timeout_s)
            except TimeoutError:
                self.say("relay", f"{child.name} did not stop in {self.stop_timeout_s:g} s: killed")
        # Leftover group members (workers of a crashed or killed parent) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
        await child.process.wait()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(child.output, 2.0)

    async def _copy_output(self, name: str, stream: asyncio.StreamReader) -> None:
        while True:
            try:
                line = await stream.readline()
            except ValueError:  # a line longer than the buffer: pass on a piece of it
                line = await stream.read(1 << 16)
            if not line:
                return
            self.say(name, line.decode(errors="replace").rstrip("\n"))
