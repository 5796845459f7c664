"""A child process on a pseudo-terminal, in its own process group, read incrementally.

CLI agents buffer or change their output when stdout is a pipe, so the child gets a
PTY for stdin and stdout (stderr stays a pipe, to be reported on failure). It runs in
a new session, hence its own process group, so that stopping it reaches everything it
started: SIGINT to the group first (a chance to clean up), SIGKILL after a grace.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import signal
import termios
from collections.abc import Sequence
from pathlib import Path

_READ_SIZE = 65536
_STDERR_KEPT_BYTES = 8192
_DRAIN_READS = 64


class LineBuffer:
    """Splits a byte stream into lines; a PTY's ``\\r\\n`` ends a line like ``\\n``.

    Each byte is scanned once: the search for the next newline resumes where the last
    one stopped, so a long line arriving in many pieces still costs linear time.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Append ``data``; return the lines it completes, without line endings."""
        scan_from = len(self._buffer)
        self._buffer += data
        lines = []
        start = 0
        while (newline := self._buffer.find(b"\n", scan_from)) >= 0:
            lines.append(bytes(self._buffer[start:newline]).rstrip(b"\r"))
            start = scan_from = newline + 1
        del self._buffer[:start]
        return lines

    def rest(self) -> bytes:
        """The unterminated last line, if any (at end of stream)."""
        rest = bytes(self._buffer).rstrip(b"\r")
        self._buffer.clear()
        return rest


class PtyProcess:
    """A running child whose stdout is read from the PTY as chunks of bytes."""

    def __init__(self, process: asyncio.subprocess.Process, master_fd: int) -> None:
        self.process = process
        self._master_fd = master_fd
        self._chunks: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._eof = False
        self._stderr = bytearray()
        self._stopped = False
        loop = asyncio.get_running_loop()
        os.set_blocking(master_fd, False)
        loop.add_reader(master_fd, self._on_readable)
        self._stderr_task = asyncio.create_task(self._collect_stderr())
        self._exit_task = asyncio.create_task(self._drain_on_exit())

    @classmethod
    async def spawn(
        cls, argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None
    ) -> PtyProcess:
        """Start ``argv`` (no shell) in ``cwd`` on a fresh PTY, in a new process group."""
        master_fd, slave_fd = pty.openpty()
        try:
            _disable_echo(slave_fd)
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=slave_fd,
                stdout=slave_fd,
                stderr=asyncio.subprocess.PIPE,
                cwd=cwd,
                env=env,
                start_new_session=True,
            )
        except BaseException:
            os.close(master_fd)
            raise
        finally:
            # Only the child keeps the slave open, so its exit ends our reads (EIO).
            os.close(slave_fd)
        return cls(process, master_fd)

    @property
    def pid(self) -> int:
        """The child's pid, which is also its process group id."""
        return self.process.pid

    async def read(self) -> bytes | None:
        """The next chunk of output, or None at end of output."""
        return await self._chunks.get()

    def stderr_text(self) -> str:
        """The last few kilobytes the child wrote to stderr, stripped."""
        return self._stderr.decode(errors="replace").strip()

    async def wait(self, timeout_s: float) -> int | None:
        """The exit status, or None if the child is still running after ``timeout_s``."""
        try:
            return await asyncio.wait_for(self.process.wait(), timeout_s)
        except TimeoutError:
            return None

    async def wait_stderr(self, timeout_s: float) -> None:
        """Give the stderr reader a moment to collect what the child wrote last."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._stderr_task), timeout_s)

    async def stop(self, grace_s: float) -> None:
        """Stop the whole process group (SIGINT, then SIGKILL), reap, release the PTY."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.returncode is None:
            self._signal_group(signal.SIGINT)
            await self.wait(grace_s)
        # Also reaches what the child left behind in its group after it exited.
        self._signal_group(signal.SIGKILL)
        await self.process.wait()
        self._exit_task.cancel()  # before the close: it must not read a closed (reused) fd
        self._finish_reading()
        os.close(self._master_fd)
        await self.wait_stderr(1.0)
        self._stderr_task.cancel()
        await asyncio.gather(self._stderr_task, self._exit_task, return_exceptions=True)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master_fd, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:  # EIO: every holder of the slave side has closed it
            data = b""
        if data:
            self._chunks.put_nowait(data)
        else:
            self._finish_reading()

    def _finish_reading(self) -> None:
        if not self._eof:
            self._eof = True
            asyncio.get_running_loop().remove_reader(self._master_fd)
            self._chunks.put_nowait(None)

    async def _drain_on_exit(self) -> None:
        """When the child exits, take what is buffered and end the output.

        A grandchild may still hold the PTY open, so EOF alone could never come.
        """
        await self.process.wait()
        # Bounded: a grandchild writing without pause must not hold the event loop here.
        for _ in range(_DRAIN_READS):
            try:
                data = os.read(self._master_fd, _READ_SIZE)
            except OSError:  # EAGAIN (nothing left now) or EIO (closed)
                break
            if not data:
                break
            self._chunks.put_nowait(data)
        self._finish_reading()

    async def _collect_stderr(self) -> None:
        assert self.process.stderr is not None
        while data := await self.process.stderr.read(_READ_SIZE):
            self._stderr += data
            del self._stderr[:-_STDERR_KEPT_BYTES]


def _disable_echo(fd: int) -> None:
    """Turn off echo so nothing written to the child's stdin comes back as output."""
    attributes = termios.tcgetattr(fd)
    attributes[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, attributes)
