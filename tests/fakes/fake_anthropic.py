#!/usr/bin/env python3
"""A local fake of the Anthropic Messages API, for the real Claude Code CLI to talk to.

Run it as a process (``fake_anthropic.py --port 0 --log FILE``; it prints
``listening on PORT``) and point the CLI at it with ``ANTHROPIC_BASE_URL``.
``POST /v1/messages`` answers like the real API: with ``stream: true`` an SSE stream
(``message_start``, ``content_block_start``, ``content_block_delta`` with
``text_delta`` or ``input_json_delta``, ``content_block_stop``, ``message_delta``,
``message_stop``, ``ping``), otherwise one JSON message. Any other path gets a 404
JSON error, as the API gives.

Markers in the turn's prompt (the last user text that is not a tool result) choose a
behaviour:

``[tool:COMMAND]``  ask for the Bash tool with COMMAND (its input streamed as
                    ``input_json_delta`` pieces), then answer once the result comes back
``[overload]``      the first streamed attempt stops after a few tokens with an
                    ``overloaded_error`` event; later attempts answer normally
``[error-401]``     every attempt is a 401 ``authentication_error``
``[busy:N]``        the first N attempts are a 529 ``overloaded_error``
``[size]``          the answer says how many bytes the prompt had
``[ask]``           the answer asks two questions in an ``[[ASK]]`` block

Otherwise the answer is ``Answer N from the fake Anthropic API.`` streamed a word at a
time (N counts the API calls). Every request is appended to the ``--log`` file as a
JSON line (path, model, stream, the prompt's first 200 characters, its size).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TOOL_MARKER = re.compile(r"\[tool:([^\]]+)\]")
BUSY_MARKER = re.compile(r"\[busy:(\d+)\]")
_calls = itertools.count(1)
_attempts: dict[str, int] = {}
_lock = threading.Lock()


def turn_prompt(messages: list[dict[str, Any]]) -> tuple[str, bool]:
    """The last user text that is not a tool result, and whether a tool result follows it."""
    tool_result_after = False
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        texts = [b.get("text", "") for b in blocks if b.get("type") == "text"]
        if any(b.get("type") == "tool_result" for b in blocks):
            tool_result_after = True
        # The CLI adds <system-reminder> blocks of its own beside the user's text.
        texts = [t for t in texts if not t.lstrip().startswith("<system-reminder>")]
        if texts:
            return texts[-1], tool_result_after
    return "", tool_result_after


def words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text)


class Reply:
    """One assistant message: its content blocks, and how streaming it should end."""

    def __init__(self, blocks: list[dict[str, Any]], stop_reason: str, model: str) -> None:
        self.id = "msg_" + uuid.uuid4().hex[:24]
        self.blocks = blocks
        self.stop_reason = stop_reason
        self.model = model

    def message(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": self.blocks,
            "stop_reason": self.stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 7},
        }


def plan(body: dict[str, Any]) -> tuple[Reply | None, dict[str, Any] | None, int]:
    """What to answer: a reply, or an error (with its HTTP status); and overload cut-off."""
    model = body.get("model") or "claude-fake"
    prompt, after_tool = turn_prompt(body.get("messages") or [])
    if not body.get("tools"):
        # The CLI's side requests (a session title) carry no tools: a plain answer.
        return Reply([{"type": "text", "text": "Fake session title"}], "end_turn", model), None, 0
    call = next(_calls)
    if "[error-401]" in prompt:
        error = {"type": "authentication_error", "message": "invalid x-api-key"}
        return None, {"status": 401, "error": error}, 0
    key = prompt[:500] + ("#after-tool" if after_tool else "")
    with _lock:
        attempt = _attempts[key] = _attempts.get(key, 0) + 1
    busy = BUSY_MARKER.search(prompt)
    if busy and attempt <= int(busy.group(1)):
        error = {"type": "overloaded_error", "message": "Overloaded"}
        return None, {"status": 529, "error": error}, 0
    tool = TOOL_MARKER.search(prompt)
    if tool and not after_tool:
        text = {"type": "text", "text": "Let me run that."}
        use = {
            "type": "tool_use",
            "id": "toolu_" + uuid.uuid4().hex[:20],
            "name": "Bash",
            "input": {"command": tool.group(1), "description": "Run the command"},
        }
        return Reply([text, use], "tool_use", model), None, 0
    if after_tool:
        answer = "The command ran. Done."
    elif "[ask]" in prompt:
        answer = "I need two details first.\n[[ASK]]\n- Which colour?\n- How many?\n[[/ASK]]\n"
    elif "[size]" in prompt:
        answer = f"Your message had {len(prompt.encode())} bytes."
    else:
        answer = f"Answer {call} from the fake Anthropic API."
    cut = 3 if "[overload]" in prompt and attempt == 1 and body.get("stream") else 0
    return Reply([{"type": "text", "text": answer}], "end_turn", model), None, cut


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeAnthropicServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.server.record({"method": "GET", "path": self.path})
        self.send_json(404, error_body("not_found_error", "Not found"))

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        path = self.path.split("?")[0]
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self.send_json(400, error_body("invalid_request_error", "body is not JSON"))
            return
        prompt, after_tool = turn_prompt(body.get("messages") or [])
        self.server.record(
            {
                "path": path,
                "model": body.get("model"),
                "stream": bool(body.get("stream")),
                "prompt": prompt[:200],
                "prompt_bytes": len(prompt.encode()),
                "after_tool": after_tool,
                "messages": len(body.get("messages") or []),
                "tools": len(body.get("tools") or []),
            }
        )
        if path == "/v1/messages/count_tokens":
            self.send_json(200, {"input_tokens": 100})
            return
        if path != "/v1/messages":
            self.send_json(404, error_body("not_found_error", f"{path} not found"))
            return
        reply, error, cut = plan(body)
        if error is not None:
            self.send_json(error["status"], {"type": "error", "error": error["error"]})
        elif body.get("stream"):
            self.stream(reply, cut)
        else:
            self.send_json(200, reply.message())

    def send_json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", "req_" + uuid.uuid4().hex[:20])
        self.end_headers()
        self.wfile.write(data)

    def stream(self, reply: Reply, cut: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", "req_" + uuid.uuid4().hex[:20])
        self.end_headers()
        start = reply.message() | {"content": [], "stop_reason": None}
        self.event("message_start", {"type": "message_start", "message": start})
        self.event("ping", {"type": "ping"})
        sent = 0
        for index, block in enumerate(reply.blocks):
            if block["type"] == "text":
                empty = {"type": "text", "text": ""}
                pieces = [("text_delta", "text", w) for w in words(block["text"])]
            else:
                empty = {**block, "input": {}}
                raw = json.dumps(block["input"])
                chunks = [raw[i : i + 12] for i in range(0, len(raw), 12)]
                pieces = [("input_json_delta", "partial_json", c) for c in chunks]
            self.event(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": empty},
            )
            for kind, field, piece in pieces:
                if cut and sent >= cut:
                    overloaded = error_body("overloaded_error", "Overloaded")
                    self.event("error", overloaded)
                    self.finish_chunks()
                    return
                time.sleep(self.server.token_delay_s)
                delta = {"type": kind, field: piece}
                self.event(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": delta},
                )
                sent += 1
            self.event("content_block_stop", {"type": "content_block_stop", "index": index})
        self.event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": 7},
            },
        )
        self.event("message_stop", {"type": "message_stop"})
        self.finish_chunks()

    def event(self, name: str, data: dict[str, Any]) -> None:
        payload = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
        self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
        self.wfile.flush()

    def finish_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


class FakeAnthropicServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, log: Path | None, token_delay_s: float) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.log = log
        self.token_delay_s = token_delay_s
        self._log_lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        if self.log is None:
            return
        with self._log_lock, self.log.open("a") as file:
            file.write(json.dumps(entry) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--token-delay-ms", type=float, default=5)
    args = parser.parse_args()
    server = FakeAnthropicServer(args.port, args.log, args.token_delay_ms / 1000)
    print(f"listening on {server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
