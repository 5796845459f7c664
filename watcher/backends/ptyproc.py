"""A child process on a pseudo-terminal, read incrementally, stopped with all it started.

CLI agents buffer or change their output when stdout is a PTY-less pipe, so the child
writes to a PTY (stderr stays a pipe, to be reported on failure). Its standard input is
a pipe that carries ``stdin_data`` and is then closed: a prompt of any size, with no
terminal line-length limit and nothing for a shell or an option parser to see.

Stopping it reaches everything it started, even processes that left its process group
and session (the Claude CLI's Bash tool runs each command in a session of its own) and
orphans whose parent already exited: the child's environment carries a unique
``RELAY_PROCESS_TAG`` that every descendant inherits. ``stop`` sends SIGINT to the group
(a chance to clean up), and after a grace freezes every process of the tree (its
descendants and every process bearing the tag) with SIGSTOP, repeating until no new one
appears, so that nothing can fork away meanwhile, then SIGKILLs them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import signal
import uuid
from collections.abc import Sequence
from pathlib import Path

import psutil

_READ_SIZE = 65536
_STDERR_KEPT_BYTES = 8192
_DRAIN_READS = 64
#: The environment variable that marks every process of one child's tree.
PROCESS_TAG = "RELAY_PROCESS_TAG"


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

    def __init__(
        self, process: asyncio.subprocess.Process, master_fd: int, tag: str, stdin_data: bytes
    ) -> None:
        self.process = process
        self.tag = tag
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
        self._stdin_task = asyncio.create_task(self._write_stdin(stdin_data))

    @classmethod
    async def spawn(
        cls,
        argv: Sequence[str],
        cwd: Path,
        env: dict[str, str] | None = None,
        stdin_data: bytes = b"",
    ) -> PtyProcess:
        """Start ``argv`` (no shell) in ``cwd`` on a fresh PTY, in a new session.

        ``stdin_data`` is written to its standard input, which is then closed.
        """
        tag = uuid.uuid4().hex
        master_fd, slave_fd = pty.openpty()
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=slave_fd,
                stderr=asyncio.subprocess.PIPE,
                cwd=cwd,
                env={**(os.environ if env is None else env), PROCESS_TAG: tag},
                start_new_session=True,
            )
        except BaseException:
            os.close(master_fd)
            raise
        finally:
            # Only the child keeps the slave open, so its exit ends our reads (EIO).
            os.close(slave_fd)
        return cls(process, master_fd, tag, stdin_data)

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
        """Stop the whole tree (SIGINT, then SIGKILL), reap, release the PTY."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.returncode is None:
            self._signal_group(signal.SIGINT)
            await self.wait(grace_s)
        # Also reaches what the child started and left behind, wherever it went.
        await asyncio.to_thread(kill_tree, self.pid, self.tag)
        self._signal_group(signal.SIGKILL)
        await self.process.wait()
        self._exit_task.cancel()  # before the close: it must not read a closed (reused) fd
        self._stdin_task.cancel()
        if self.process.stdin is not None:
            self.process.stdin.close()
        self._finish_reading()
        os.close(self._master_fd)
        await self.wait_stderr(1.0)
        self._stderr_task.cancel()
        await asyncio.gather(
            self._stderr_task, self._exit_task, self._stdin_task, return_exceptions=True
        )

    async def retire(self, exit_wait_s: float, grace_s: float) -> None:
        """After its work is done: let the child exit by itself for a while, then stop it."""
        await self.wait(exit_wait_s)
        await self.stop(grace_s)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    async def _write_stdin(self, data: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        # A child that exits without reading all of it is reported by its exit status.
        with contextlib.suppress(ConnectionError, BrokenPipeError):
            stdin.write(data)
            await stdin.drain()
            stdin.close()

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


def kill_tree(pid: int, tag: str) -> list[int]:
    """SIGKILL ``pid``, its descendants and every process tagged ``tag``; their pids.

    Everything found is frozen first (SIGSTOP), and the search repeats until it finds
    nothing new: a frozen process cannot start another, so none escapes the kill.
    """
    frozen: dict[int, psutil.Process] = {}
    while found := [p for p in _tree(pid, tag) if p.pid not in frozen]:
        for process in found:
            frozen[process.pid] = process  # even if it cannot be signalled: no retry loop
            with contextlib.suppress(psutil.Error):
                process.send_signal(signal.SIGSTOP)
    for process in frozen.values():
        with contextlib.suppress(psutil.Error):
            process.send_signal(signal.SIGKILL)
    return list(frozen)


def _tree(pid: int, tag: str) -> list[psutil.Process]:
    """The live processes of the tree: ``pid``'s descendants and the tagged ones."""
    members: dict[int, psutil.Process] = {}
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pid)
        members[pid] = root
        members.update((child.pid, child) for child in root.children(recursive=True))
    own = os.getpid()
    for process in psutil.process_iter():
        if process.pid in members or process.pid == own:
            continue
        with contextlib.suppress(psutil.Error):
            if process.environ().get(PROCESS_TAG) == tag:
                members[process.pid] = process
    return [p for p in members.values() if _alive(p)]


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
