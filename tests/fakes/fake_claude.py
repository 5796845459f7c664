#!/usr/bin/env python3
"""A stand-in for the Claude Code CLI that replays what the real one was seen to print.

Invoked like the real thing (the prompt on standard input, or as the last argument)::

    fake_claude.py -p --output-format stream-json --verbose --include-partial-messages \
        (--session-id UUID | --resume UUID) [--append-system-prompt TEXT] < PROMPT

Its lines come from transcripts of the real CLI (``transcripts/NAME.stdout``, made by
``record_claude.py`` against ``fake_anthropic.py``): ``[replay:NAME]`` in the prompt
prints transcript NAME as recorded (its session id replaced by this run's, its exit
status and stderr as recorded). Otherwise the answer is generated, but every line is
a recorded line with only its text, ids and tool input changed:

``[tool]``   use a tool (Bash ``ls -la``, input streamed as ``input_json_delta``) first
``[ask]``    answer with an ``[[ASK]]`` block of two questions
``[long]``   stream slowly for minutes, with a child process that ignores SIGINT and
             runs in a session of its own, as the real Bash tool's commands do
``[linger]`` after the result line, keep running 6 s with a child (a background task)
``[hang]``   print the init line, then nothing, for a long time (with a child as ``[long]``)
``[fail]``   write to stderr and exit with status 3
``[killed]`` print the init line and the real CLI's terminal reset sequence (what it
             writes on the PTY as it is stopped), then exit with status 143
``[error]``  end with an ``is_error`` result (exit status 1)

Sessions are recorded in ``fake_claude_sessions.jsonl`` in the working folder (one line
per run: mode, session id, prompt); ``--resume`` of an unknown session replays the real
CLI's answer to that (transcript ``resume_missing``), and ``--session-id`` of a known
one fails like the real CLI. Every run writes its pid (and a child's) to
``fake_claude_pids.json``. ``FAKE_CLAUDE_TOKEN_DELAY_MS`` (default 15) sets the pause
before each streamed delta.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

TRANSCRIPTS = Path(__file__).resolve().parent / "transcripts"
SESSIONS_FILE = "fake_claude_sessions.jsonl"
PIDS_FILE = "fake_claude_pids.json"
CHILD_CODE = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)"
REPLAY = re.compile(r"\[replay:([a-z_]+)\]")


def load(name: str) -> list[bytes]:
    return (TRANSCRIPTS / f"{name}.stdout").read_bytes().splitlines()


def recorded_session_id(lines: list[bytes]) -> str:
    for line in lines:
        if line.startswith(b"{"):
            found = json.loads(line).get("session_id")
            if found:
                return str(found)
    return ""


def write(data: bytes) -> None:
    sys.stdout.buffer.write(data + b"\n")
    sys.stdout.buffer.flush()


def emit(obj: dict[str, Any]) -> None:
    write(json.dumps(obj, separators=(",", ":")).encode())


def token_delay_s() -> float:
    return float(os.environ.get("FAKE_CLAUDE_TOKEN_DELAY_MS", "15")) / 1000


def replay(name: str, session_id: str, delay_s: float) -> int:
    """Print transcript ``name`` as the real CLI did; its exit status."""
    lines = load(name)
    recorded = recorded_session_id(lines).encode()
    for line in lines:
        if b'"stream_event"' in line:
            time.sleep(delay_s)
        write(line.replace(recorded, session_id.encode()) if recorded else line)
    meta = json.loads((TRANSCRIPTS / f"{name}.json").read_text())
    stderr = str(meta["stderr"]).replace(recorded.decode(), session_id) if recorded else ""
    sys.stderr.write(stderr or str(meta["stderr"]))
    return int(meta["exit_status"])


class Templates:
    """Recorded lines of each kind, to be copied with new text, ids and input."""

    def __init__(self) -> None:
        text = [json.loads(line) for line in load("text") if line.startswith(b"{")]
        tool = [json.loads(line) for line in load("tool") if line.startswith(b"{")]
        self.by_kind: dict[str, dict[str, Any]] = {}
        for line in text + tool:
            self.by_kind.setdefault(kind_of(line), line)

    def line(self, kind: str, session_id: str, **changes: Any) -> dict[str, Any]:
        line = copy.deepcopy(self.by_kind[kind])
        line["session_id"] = session_id
        if "uuid" in line:
            line["uuid"] = str(uuid.uuid4())
        for path, value in changes.items():
            target = line
            *parents, last = path.split("__")
            for part in parents:
                target = target[int(part)] if isinstance(target, list) else target[part]
            target[last] = value
        return line


def kind_of(line: dict[str, Any]) -> str:
    """``system/init``, ``stream_event/content_block_delta/text_delta``, ``assistant/text`` ..."""
    kind = str(line.get("type"))
    if kind == "system":
        return f"system/{line.get('subtype')}"
    if kind == "stream_event":
        event = line["event"]
        detail = (event.get("delta") or event.get("content_block") or {}).get("type")
        return "/".join(str(p) for p in ("stream_event", event["type"], detail) if p)
    if kind in {"assistant", "user"}:
        blocks = line["message"]["content"]
        return f"{kind}/{blocks[0]['type']}" if blocks else kind
    return kind


class Writer:
    """Prints one run's lines, built from the templates."""

    def __init__(self, session_id: str, cwd: Path, delay_s: float) -> None:
        self.session_id = session_id
        self.cwd = cwd
        self.delay_s = delay_s
        self.templates = Templates()

    def out(self, kind: str, **changes: Any) -> None:
        emit(self.templates.line(kind, self.session_id, **changes))

    def init(self) -> None:
        self.out("system/init", cwd=str(self.cwd))
        self.out("system/status")

    def message(self, text: str, tool: dict[str, Any] | None = None) -> None:
        """One streamed assistant message: text, then optionally a tool_use block."""
        message_id = "msg_" + uuid.uuid4().hex[:24]
        self.out("stream_event/message_start", event__message__id=message_id)
        self.out("stream_event/content_block_start/text")
        for token in tokens(text):
            time.sleep(self.delay_s)
            self.out("stream_event/content_block_delta/text_delta", event__delta__text=token)
        self.out(
            "assistant/text",
            message__id=message_id,
            message__content=[{"type": "text", "text": text}],
        )
        self.out("stream_event/content_block_stop")
        if tool is not None:
            block = {**tool, "input": {}}
            self.out("stream_event/content_block_start/tool_use", event__content_block=block)
            raw = json.dumps(tool["input"])
            for start in range(0, len(raw), 12):
                time.sleep(self.delay_s)
                self.out(
                    "stream_event/content_block_delta/input_json_delta",
                    event__delta__partial_json=raw[start : start + 12],
                )
            self.out("assistant/tool_use", message__id=message_id, message__content=[tool])
            self.out("stream_event/content_block_stop", event__index=1)
        stop_reason = "tool_use" if tool else "end_turn"
        self.out("stream_event/message_delta", event__delta__stop_reason=stop_reason)
        self.out("stream_event/message_stop")

    def tool_result(self, tool_id: str, content: str) -> None:
        result = [
            {"tool_use_id": tool_id, "type": "tool_result", "content": content, "is_error": False}
        ]
        self.out("user/tool_result", message__content=result)
        self.out("system/status")

    def result(self, text: str, started: float, is_error: bool = False) -> None:
        self.out(
            "result",
            subtype="error_during_execution" if is_error else "success",
            is_error=is_error,
            result=text,
            duration_ms=int((time.time() - started) * 1000),
        )


def tokens(text: str) -> list[str]:
    """Split like a tokenizer might: words with their trailing space, newlines apart."""
    return re.findall(r"[^\s]+[ ]?|\n", text)


def known_sessions(cwd: Path) -> set[str]:
    path = cwd / SESSIONS_FILE
    if not path.exists():
        return set()
    return {json.loads(line)["session_id"] for line in path.read_text().splitlines() if line}


def record_session(cwd: Path, mode: str, session_id: str, prompt: str) -> None:
    with (cwd / SESSIONS_FILE).open("a") as file:
        file.write(json.dumps({"mode": mode, "session_id": session_id, "prompt": prompt}) + "\n")


def start_child(cwd: Path) -> None:
    """A child that ignores SIGINT in a session of its own, like the real Bash tool's."""
    child = subprocess.Popen([sys.executable, "-c", CHILD_CODE], start_new_session=True)
    (cwd / PIDS_FILE).write_text(json.dumps({"cli": os.getpid(), "child": child.pid}))


def answer_for(prompt: str) -> str:
    if "[ask]" in prompt:
        return (
            "I need two details first.\n[[ASK]]\n- Which colour should it be?\n"
            "- How many items?\n[[/ASK]]\n"
        )
    if prompt.startswith("Here are my answers"):
        return "Thanks for the answers. All done now."
    return f"Hello from the fake CLI. You wrote: {prompt.strip()[:200]}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--print", action="store_true")
    parser.add_argument("--output-format", default="text")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--include-partial-messages", action="store_true")
    parser.add_argument("--session-id")
    parser.add_argument("--resume")
    parser.add_argument("--append-system-prompt", default="")
    parser.add_argument("--permission-mode", default="default")
    parser.add_argument("--allowedTools", "--allowed-tools")
    parser.add_argument("prompt", nargs="?")
    args, _unknown = parser.parse_known_args()
    prompt = args.prompt if args.prompt is not None else sys.stdin.read()
    cwd = Path.cwd()
    started = time.time()
    delay_s = token_delay_s()

    if args.output_format != "stream-json" or not args.verbose:
        sys.stderr.write("Error: --output-format=stream-json requires --verbose\n")
        return 1
    if args.resume:
        if args.resume not in known_sessions(cwd):
            return replay("resume_missing", args.resume, delay_s)
        session_id, mode = args.resume, "resume"
    else:
        session_id, mode = args.session_id or str(uuid.uuid4()), "new"
        if session_id in known_sessions(cwd):
            sys.stderr.write(f"Error: Session ID {session_id} is already in use.\n")
            return 1
    if "[fail]" in prompt:
        sys.stderr.write("fake_claude: simulated failure: API unreachable\n")
        return 3
    record_session(cwd, mode, session_id, prompt)
    (cwd / PIDS_FILE).write_text(json.dumps({"cli": os.getpid()}))
    if found := REPLAY.search(prompt):
        return replay(found.group(1), session_id, delay_s)
    out = Writer(session_id, cwd, delay_s)
    out.init()
    if "[killed]" in prompt:
        write(next(line for line in load("text") if line.startswith(b"\x1b")))
        return 143
    if "[hang]" in prompt:
        start_child(cwd)
        time.sleep(600)
        return 0
    if "[long]" in prompt:
        start_child(cwd)
        out.message("working " * 20000)
        return 0
    if "[tool]" in prompt:
        tool_id = "toolu_" + uuid.uuid4().hex[:20]
        command = {"command": "ls -la", "description": "List files"}
        tool = {"type": "tool_use", "id": tool_id, "name": "Bash", "input": command}
        out.message("Let me look at the files.", tool)
        out.tool_result(tool_id, "total 0\nREADME.md")
    text = answer_for(prompt)
    out.message(text)
    if "[error]" in prompt:
        out.result("The model refused to continue.", started, is_error=True)
        return 1
    if "[linger]" in prompt:
        start_child(cwd)
    out.result(text, started)
    if "[linger]" in prompt:
        time.sleep(6)
    return 0


if __name__ == "__main__":
    sys.exit(main())
