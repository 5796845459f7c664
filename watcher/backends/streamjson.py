"""Claude Code's ``--output-format stream-json`` lines, turned into backend outputs.

With ``--include-partial-messages`` the CLI prints, one JSON object per line:
``system``/``init`` (with the session id), ``stream_event`` wrappers around the API's
streaming events (``content_block_delta`` with ``text_delta`` carries each token),
whole ``assistant`` messages (text and ``tool_use`` blocks), ``user`` messages with
``tool_result`` blocks, and a final ``result``.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from watcher.backends.base import Activity, Output, TextDelta

ACTIVITY_MAX_CHARS = 100

# The input field that best says what a tool call does, per common tool.
_TOOL_SUMMARY_KEYS = ("command", "file_path", "path", "pattern", "url", "query", "description")


class StreamJsonParser:
    """Feeds on lines; remembers the session id, the result and stray non-JSON lines."""

    def __init__(self) -> None:
        self.session_id: str | None = None
        self.result: dict[str, Any] | None = None
        #: The last lines that were not JSON (warnings the CLI printed on the terminal).
        self.noise: deque[str] = deque(maxlen=5)
        self._streaming_message: str | None = None
        self._streamed_messages: set[str] = set()
        self._last_text_message: str | None = None  # whose text was shown last

    def feed(self, line: bytes) -> list[Output]:
        """The outputs one line produces (often none)."""
        if not line.strip():
            return []
        try:
            message = json.loads(line)
        except ValueError:
            self.noise.append(line.decode(errors="replace")[:300])
            return []
        if not isinstance(message, dict):
            return []
        kind = message.get("type")
        if kind == "system" and message.get("subtype") == "init":
            self.session_id = message.get("session_id") or self.session_id
        elif kind == "stream_event" and message.get("parent_tool_use_id") is None:
            return self._stream_event(message.get("event") or {})
        elif kind == "assistant":
            return self._assistant(message)
        elif kind == "result":
            self.result = message
            self.session_id = message.get("session_id") or self.session_id
        return []

    def result_error(self) -> str | None:
        """The error the final result reports, or None if it is a success."""
        if self.result is None or not (self.result.get("is_error") or _is_error_subtype(self)):
            return None
        detail = self.result.get("result") or self.result.get("subtype") or "unknown error"
        return str(detail)

    def _stream_event(self, event: dict[str, Any]) -> list[Output]:
        kind = event.get("type")
        if kind == "message_start":
            self._streaming_message = (event.get("message") or {}).get("id")
        elif kind == "content_block_delta":
            delta = event.get("delta") or {}
            if delta.get("type") == "text_delta" and delta.get("text"):
                if self._streaming_message:
                    self._streamed_messages.add(self._streaming_message)
                return [self._text(self._streaming_message, delta["text"])]
        return []

    def _text(self, message_id: str | None, text: str) -> TextDelta:
        # Messages around tool calls are separate paragraphs, not one run-on line.
        key = message_id or ""
        separate = self._last_text_message is not None and key != self._last_text_message
        self._last_text_message = key
        return TextDelta("\n\n" + text if separate else text)

    def _assistant(self, message: dict[str, Any]) -> list[Output]:
        body = message.get("message") or {}
        # Text already streamed token by token must not appear twice; a CLI without
        # partial messages only sends whole messages, so their text is used then.
        # A subagent's text (parent_tool_use_id set) is its report to Claude, not the answer.
        show_text = body.get("id") not in self._streamed_messages and (
            message.get("parent_tool_use_id") is None
        )
        outputs: list[Output] = []
        for block in body.get("content") or ():
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use":
                outputs.append(Activity(describe_tool(block.get("name"), block.get("input"))))
            elif block.get("type") == "text" and block.get("text") and show_text:
                outputs.append(self._text(body.get("id"), block["text"]))
        return outputs


def _is_error_subtype(parser: StreamJsonParser) -> bool:
    subtype = str((parser.result or {}).get("subtype") or "success")
    return subtype.startswith("error")


def describe_tool(name: Any, tool_input: Any) -> str:
    """A one-line activity such as ``Running Bash: ls -la`` (truncated)."""
    summary = ""
    if isinstance(tool_input, dict):
        summary = next(
            (str(tool_input[key]) for key in _TOOL_SUMMARY_KEYS if tool_input.get(key)), ""
        )
        if not summary and tool_input:
            summary = json.dumps(tool_input, ensure_ascii=False)
    summary = summary[: ACTIVITY_MAX_CHARS * 2]  # a Write's whole file need not be scanned
    text = f"Running {name or 'a tool'}" + (f": {summary}" if summary else "")
    return shorten(text, ACTIVITY_MAX_CHARS)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
