"""Claude Code's ``--output-format stream-json`` lines, turned into backend outputs.

With ``--verbose --include-partial-messages`` the real CLI (2.1.x) prints one JSON
object per line (transcripts in ``tests/fakes/transcripts/``):

- ``system``: ``init`` (the session id), ``status`` (``requesting``), ``api_retry``
  (attempt, max_retries, retry_delay_ms, error_status, error) before each retry;
- ``stream_event``: the API's streaming events (``message_start``,
  ``content_block_start``/``delta``/``stop`` with ``text_delta`` or
  ``input_json_delta``, ``message_delta``, ``message_stop``);
- ``assistant``: one line per finished content block (text or ``tool_use``), all with
  the streamed message's id; after a stream broke off (``overloaded_error``, a stall)
  the CLI asks again without streaming and the whole new answer arrives as an
  ``assistant`` line with a *new* id: the partial text is void (:class:`Reset`).
  Errors arrive as an ``assistant`` message of model ``<synthetic>``: never answer text;
- ``user``: ``tool_result`` blocks (``is_error`` for failures and denials);
- ``result``: the end (``is_error``, ``errors``, ``permission_denials``).
"""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any

from watcher.backends.base import Activity, Output, Reset, TextDelta

ACTIVITY_MAX_CHARS = 100
SYNTHETIC_MODEL = "<synthetic>"
MISSING_SESSION = "No conversation found"

# The input field that best says what a tool call does, per common tool.
_TOOL_SUMMARY_KEYS = ("command", "file_path", "path", "pattern", "url", "query", "description")
# CSI, OSC, two-character escapes, and the other C0 controls except tab and newline.
_TERMINAL_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[()][0-9A-Za-z]"
    r"|\x1b[ -~]?|[\x00-\x08\x0b-\x1f\x7f]"
)
_RETRY_REASONS = {"overloaded": "API overloaded", "rate_limit": "API rate limit reached"}


class StreamJsonParser:
    """Feeds on lines; remembers the session id, the result and stray non-JSON lines."""

    def __init__(self) -> None:
        self.session_id: str | None = None
        self.result: dict[str, Any] | None = None
        #: The last lines that were not JSON (warnings the CLI printed on the terminal).
        self.noise: deque[str] = deque(maxlen=5)
        #: The text of the CLI's own error message (a ``<synthetic>`` assistant message).
        self.synthetic_error: str | None = None
        self._shown: list[str] = []  # the texts shown this run, in order
        self._last_text_message: str | None = None  # whose text was shown last
        self._streamed: set[str] = set()  # messages whose text came as deltas
        self._open: str | None = None  # the streamed message without message_stop yet
        self._open_from = 0  # len(_shown) when it started
        self._last_before_open: str | None = None
        self._tools: dict[str, str] = {}  # tool_use id -> tool name
        self._described: set[str] = set()  # tool_use ids whose full activity was shown

    def feed(self, line: bytes) -> list[Output]:
        """The outputs one line produces (often none)."""
        if not line.strip():
            return []
        try:
            message = json.loads(line)
        except ValueError:
            self.noise.append(strip_escapes(line.decode(errors="replace"))[:300])
            return []
        if not isinstance(message, dict):
            return []
        kind = message.get("type")
        if kind == "system":
            return self._system(message)
        if kind == "stream_event" and message.get("parent_tool_use_id") is None:
            return self._stream_event(message.get("event") or {})
        if kind == "assistant":
            return self._assistant(message)
        if kind == "user":
            return self._tool_failures(message)
        if kind == "result":
            self.result = message
            self.session_id = message.get("session_id") or self.session_id
            denials = [d for d in message.get("permission_denials") or () if isinstance(d, dict)]
            return [
                Activity(describe_tool(d.get("tool_name"), d.get("tool_input"), "Not permitted: "))
                for d in denials
            ]
        return []

    def result_error(self) -> str | None:
        """The error the final result reports, or None if it is a success."""
        result = self.result
        if result is None:
            return None
        subtype = str(result.get("subtype") or "success")
        if not (result.get("is_error") or subtype.startswith("error")):
            return None
        errors = [str(e) for e in result.get("errors") or () if e]
        detail = self.synthetic_error or result.get("result") or "; ".join(errors) or subtype
        return strip_escapes(str(detail))

    def lost_session(self) -> bool:
        """Whether the CLI reported that the session to resume does not exist."""
        errors = (self.result or {}).get("errors") or ()
        return any(MISSING_SESSION in str(error) for error in errors)

    def _system(self, message: dict[str, Any]) -> list[Output]:
        subtype = message.get("subtype")
        if subtype == "init":
            self.session_id = message.get("session_id") or self.session_id
        elif subtype == "api_retry":
            return [Activity(describe_retry(message))]
        return []

    def _stream_event(self, event: dict[str, Any]) -> list[Output]:
        kind = event.get("type")
        outputs: list[Output] = []
        if kind == "message_start":
            # A new stream while the last one never finished: the CLI started over.
            outputs = self._restart()
            self._open = (event.get("message") or {}).get("id") or ""
            self._open_from = len(self._shown)
            self._last_before_open = self._last_text_message
        elif kind == "message_stop":
            self._open = None
        elif kind == "content_block_start":
            block = event.get("content_block") or {}
            if block.get("type") == "tool_use":  # shown at once; the input follows
                self._tools[str(block.get("id"))] = str(block.get("name") or "a tool")
                outputs.append(Activity(describe_tool(block.get("name"), None)))
        elif kind == "content_block_delta":
            delta = event.get("delta") or {}
            if delta.get("type") == "text_delta" and delta.get("text"):
                if self._open is not None:
                    self._streamed.add(self._open)
                outputs.append(self._text(self._open, delta["text"]))
        return outputs

    def _assistant(self, message: dict[str, Any]) -> list[Output]:
        body = message.get("message") or {}
        blocks = [b for b in body.get("content") or () if isinstance(b, dict)]
        if body.get("model") == SYNTHETIC_MODEL:
            text = "".join(str(b.get("text") or "") for b in blocks if b.get("type") == "text")
            self.synthetic_error = strip_escapes(text).strip() or self.synthetic_error
            return []
        message_id = body.get("id")
        outputs: list[Output] = []
        if message_id not in self._streamed and message_id != self._open:
            outputs = self._restart()  # a whole new answer replaces a broken stream
        # Text already streamed token by token must not appear twice; a CLI without
        # partial messages only sends whole messages, so their text is used then.
        # A subagent's text (parent_tool_use_id set) is its report to Claude, not the answer.
        show_text = message_id not in self._streamed and message.get("parent_tool_use_id") is None
        for block in blocks:
            if block.get("type") == "tool_use":
                tool_id = str(block.get("id"))
                self._tools[tool_id] = str(block.get("name") or "a tool")
                if tool_id not in self._described:
                    self._described.add(tool_id)
                    outputs.append(Activity(describe_tool(block.get("name"), block.get("input"))))
            elif block.get("type") == "text" and block.get("text") and show_text:
                outputs.append(self._text(message_id, block["text"]))
        return outputs

    def _tool_failures(self, message: dict[str, Any]) -> list[Output]:
        """A failed or refused tool call, as an activity line (Claude sees it anyway)."""
        outputs: list[Output] = []
        for block in (message.get("message") or {}).get("content") or ():
            if not isinstance(block, dict) or block.get("type") != "tool_result":
                continue
            if block.get("is_error"):
                name = self._tools.get(str(block.get("tool_use_id")), "A tool")
                detail = tool_result_text(block.get("content"))
                outputs.append(Activity(shorten(f"{name} failed: {detail}", ACTIVITY_MAX_CHARS)))
        return outputs

    def _restart(self) -> list[Output]:
        """If a streamed message broke off with text shown, void that text."""
        if self._open is None or self._open not in self._streamed:
            return []
        self._streamed.discard(self._open)
        self._open = None
        kept = "".join(self._shown[: self._open_from])
        self._shown = [kept] if kept else []
        self._last_text_message = self._last_before_open
        return [Reset(), TextDelta(kept)] if kept else [Reset()]

    def _text(self, message_id: str | None, text: str) -> TextDelta:
        # Messages around tool calls are separate paragraphs, not one run-on line.
        key = message_id or ""
        separate = self._last_text_message is not None and key != self._last_text_message
        self._last_text_message = key
        if "\x1b" in text:
            text = strip_escapes(text)
        text = "\n\n" + text if separate else text
        self._shown.append(text)
        return TextDelta(text)


def describe_tool(name: Any, tool_input: Any, verb: str = "Running ") -> str:
    """A one-line activity such as ``Running Bash: ls -la`` (truncated)."""
    summary = ""
    if isinstance(tool_input, dict):
        summary = next(
            (str(tool_input[key]) for key in _TOOL_SUMMARY_KEYS if tool_input.get(key)), ""
        )
        if not summary and tool_input:
            summary = json.dumps(tool_input, ensure_ascii=False)
    summary = summary[: ACTIVITY_MAX_CHARS * 2]  # a Write's whole file need not be scanned
    text = f"{verb}{name or 'a tool'}" + (f": {summary}" if summary else "")
    return shorten(text, ACTIVITY_MAX_CHARS)


def describe_retry(message: dict[str, Any]) -> str:
    """``API overloaded, retry 3 of 10 in 4 s`` from a ``system/api_retry`` line."""
    error = str(message.get("error") or "")
    status = message.get("error_status")
    reason = _RETRY_REASONS.get(error) or " ".join(
        part for part in ("API error", str(status or ""), error.replace("_", " ")) if part
    )
    delay_s = max(1, round(float(message.get("retry_delay_ms") or 0) / 1000))
    attempt, most = message.get("attempt"), message.get("max_retries")
    return shorten(f"{reason}, retry {attempt} of {most} in {delay_s} s", ACTIVITY_MAX_CHARS)


def tool_result_text(content: Any) -> str:
    """A tool result's text, whether a string or a list of content blocks."""
    if isinstance(content, list):
        return " ".join(str(b.get("text") or "") for b in content if isinstance(b, dict))
    return str(content or "")


def strip_escapes(text: str) -> str:
    """``text`` without terminal escape sequences and control characters."""
    return _TERMINAL_ESCAPES.sub("", text)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, without escape sequences, cut to ``limit`` characters."""
    line = " ".join(strip_escapes(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
