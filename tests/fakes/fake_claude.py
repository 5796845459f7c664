#!/usr/bin/env python3
"""A stand-in for the Claude Code CLI that speaks its ``stream-json`` output.

Invoked like the real thing::

    fake_claude.py -p --output-format stream-json --verbose --include-partial-messages \
        (--session-id UUID | --resume UUID) [--append-system-prompt TEXT] -- PROMPT

It prints the same line types as the real CLI (system/init, stream_event deltas one
token at a time, assistant, user tool_result, result) with realistic pauses. Markers
in the prompt choose a behaviour:

``[tool]``   use a tool (Bash ``ls``) before answering
``[ask]``    answer with an ``[[ASK]]`` block of two questions
``[long]``   stream slowly for a long time, with a child process in its group
``[hang]``   print the init line, then nothing, for a long time
``[fail]``   write to stderr and exit with status 3
``[error]``  end with an ``is_error`` result (exit status 1)

Sessions are recorded in ``fake_claude_sessions.jsonl`` in the working folder (one line
per run: mode, session id, prompt); ``--resume`` of an unknown session and
``--session-id`` of a known one fail like the real CLI. Every run writes its pid (and
``[long]`` its child's) to ``fake_claude_pids.json``. ``FAKE_CLAUDE_TOKEN_DELAY_MS`` (default
15) sets the pause between tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

SESSIONS_FILE = "fake_claude_sessions.jsonl"
PIDS_FILE = "fake_claude_pids.json"
MODEL = "claude-fake-1"
CHILD_CODE = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)"


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def token_delay_s() -> float:
    return float(os.environ.get("FAKE_CLAUDE_TOKEN_DELAY_MS", "15")) / 1000


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


def stream_message(session_id: str, text: str, delay_s: float) -> str:
    """Stream one assistant text message the way --include-partial-messages does."""
    message_id = "msg_" + uuid.uuid4().hex[:24]

    def event(body: dict) -> None:
        emit(
            {
                "type": "stream_event",
                "event": body,
                "session_id": session_id,
                "parent_tool_use_id": None,
                "uuid": str(uuid.uuid4()),
            }
        )

    event(
        {
            "type": "message_start",
            "message": {
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "model": MODEL,
                "content": [],
                "stop_reason": None,
                "usage": {"input_tokens": 10, "output_tokens": 1},
            },
        }
    )
    event(
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    )
    for token in tokens(text):
        time.sleep(delay_s)
        event(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": token},
            }
        )
    event({"type": "content_block_stop", "index": 0})
    event(
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": len(tokens(text))},
        }
    )
    event({"type": "message_stop"})
    emit(
        {
            "type": "assistant",
            "session_id": session_id,
            "parent_tool_use_id": None,
            "message": {
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "model": MODEL,
                "content": [{"type": "text", "text": text}],
            },
        }
    )
    return text


def use_tool(session_id: str) -> None:
    """An assistant tool_use message and the user tool_result that answers it."""
    tool_id = "toolu_" + uuid.uuid4().hex[:20]
    emit(
        {
            "type": "assistant",
            "session_id": session_id,
            "parent_tool_use_id": None,
            "message": {
                "id": "msg_" + uuid.uuid4().hex[:24],
                "type": "message",
                "role": "assistant",
                "model": MODEL,
                "content": [
                    {
                        "type": "tool_use",
                        "id": tool_id,
                        "name": "Bash",
                        "input": {"command": "ls -la", "description": "List files"},
                    }
                ],
            },
        }
    )
    time.sleep(0.05)
    emit(
        {
            "type": "user",
            "session_id": session_id,
            "parent_tool_use_id": None,
            "message": {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": tool_id,
                        "content": "total 0\nREADME.md",
                        "is_error": False,
                    }
                ],
            },
        }
    )


def result(session_id: str, text: str, started: float, is_error: bool = False) -> None:
    emit(
        {
            "type": "result",
            "subtype": "error_during_execution" if is_error else "success",
            "is_error": is_error,
            "duration_ms": int((time.time() - started) * 1000),
            "num_turns": 1,
            "result": text,
            "session_id": session_id,
            "total_cost_usd": 0.0,
        }
    )


def run_long(cwd: Path, session_id: str, delay_s: float) -> None:
    """Stream for minutes, with a child in the same process group (cancel tests)."""
    # The child ignores SIGINT, like a busy tool would: only a group SIGKILL ends it.
    child = subprocess.Popen([sys.executable, "-c", CHILD_CODE])
    (cwd / PIDS_FILE).write_text(json.dumps({"cli": os.getpid(), "child": child.pid}))
    stream_message(session_id, "working " * 20000, max(delay_s, 0.02))


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
    parser.add_argument("prompt", nargs="?", default="")
    args, _unknown = parser.parse_known_args()
    cwd = Path.cwd()
    started = time.time()
    delay_s = token_delay_s()

    if args.output_format != "stream-json" or not args.verbose:
        sys.stderr.write("Error: --output-format=stream-json requires --verbose\n")
        return 1
    if args.resume:
        if args.resume not in known_sessions(cwd):
            sys.stderr.write(f"No conversation found with session ID: {args.resume}\n")
            return 1
        session_id, mode = args.resume, "resume"
    else:
        session_id, mode = args.session_id or str(uuid.uuid4()), "new"
        if session_id in known_sessions(cwd):
            sys.stderr.write(f"Error: Session ID {session_id} is already in use.\n")
            return 1
    if "[fail]" in args.prompt:
        sys.stderr.write("fake_claude: simulated failure: API unreachable\n")
        return 3
    record_session(cwd, mode, session_id, args.prompt)
    (cwd / PIDS_FILE).write_text(json.dumps({"cli": os.getpid()}))
    emit(
        {
            "type": "system",
            "subtype": "init",
            "cwd": str(cwd),
            "session_id": session_id,
            "tools": ["Bash", "Read", "Edit"],
            "model": MODEL,
            "permissionMode": "default",
            "apiKeySource": "none",
        }
    )
    if "[hang]" in args.prompt:
        time.sleep(600)
        return 0
    if "[long]" in args.prompt:
        run_long(cwd, session_id, delay_s)
        return 0
    if "[tool]" in args.prompt:
        stream_message(session_id, "Let me look at the files.", delay_s)
        use_tool(session_id)
    text = stream_message(session_id, answer_for(args.prompt), delay_s)
    if "[error]" in args.prompt:
        result(session_id, "The model refused to continue.", started, is_error=True)
        return 1
    result(session_id, text, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
