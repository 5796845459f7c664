"""Run child processes in the foreground: prefixed output, clean stop, death noticed.

Each child runs in its own process group, so a Ctrl-C in the terminal reaches only
the launcher, which then stops the children in reverse start order: SIGTERM to the
child, a grace period, then SIGKILL to its whole group (workers included).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from dataclasses import dataclass
from typing import TextIO

from launcher.stack import Command

PREFIX_WIDTH = 7  # "watcher"
_PR_SET_PDEATHSIG = 1


@dataclass
class Child:
    """A running child process and the task copying its output."""

    name: str
    process: asyncio.subprocess.Process
    output: asyncio.Task[None]

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.returncode is None


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
    """Starts children, copies their output with a name prefix, and stops them all."""

    def __init__(self, out: TextIO = sys.stdout, stop_timeout_s: float = 10.0) -> None:
        self.out = out
        self.stop_timeout_s = stop_timeout_s
        self.children: list[Child] = []

    def say(self, name: str, line: str) -> None:
        """Write one line with the ``name  | `` prefix."""
        self.out.write(f"{name:<{PREFIX_WIDTH}} | {line}\n")
        self.out.flush()

    async def start(self, command: Command) -> Child:
        """Start ``command`` in its own process group with stdout and stderr merged."""
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
        child = Child(command.name, process, output)
        self.children.append(child)
        return child

    async def first_exit(self) -> Child:
        """Wait until any child exits (for whatever reason) and return it."""
        waits = {asyncio.create_task(child.process.wait()): child for child in self.children}
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
        return waits[next(iter(done))]

    async def stop_all(self) -> None:
        """Stop every child, most recently started first; always returns."""
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
