"""The ``[[ASK]] ... [[/ASK]]`` convention: an agent's questions back to the user.

An agent that needs input writes a block such as::

    [[ASK]]
    - Which database should I use?
    - May I delete the old tables?
    [[/ASK]]

The runner feeds every text delta through an :class:`AskBlockFilter`, which passes
ordinary text on at once and turns the block into a :class:`Questions` output instead
of showing it. When the user has answered, :func:`answers_prompt` builds the message
that resumes the conversation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from watcher.backends.base import Output, Questions, TextDelta

OPEN_MARKER = "[[ASK]]"
CLOSE_MARKER = "[[/ASK]]"

#: Told to agents that may ask (the Claude CLI), so they know the convention.
ASK_INSTRUCTIONS = (
    "If you cannot continue without information only the user has, stop and ask: "
    f"write {OPEN_MARKER} on its own line, then one question per line, then "
    f"{CLOSE_MARKER}. The user's answers will come in the next message."
)

# A bullet ("-", "*", "•") or a number ("1." / "1)") followed by a space.
_BULLET = re.compile(r"^(?:[-*•]\s*|\d+[.)]\s+)")


class AskBlockFilter:
    """Splits streamed text into visible text and ``[[ASK]]`` question blocks.

    ``feed`` returns what can be shown now; the only text ever held back is a tail
    that might be the start of ``[[ASK]]`` (at most six characters) and the inside of
    an open block. Each call costs time linear in its input: the marker search only
    rescans the few characters carried over from the previous call.
    """

    def __init__(self) -> None:
        self._carry = ""  # text not yet decided: a possible partial marker
        self._in_block = False
        self._block: list[str] = []  # the inside of the open block, in pieces

    def feed(self, text: str) -> list[Output]:
        """Consume a piece of streamed text; return the outputs it completes."""
        outputs: list[Output] = []
        data = self._carry + text
        self._carry = ""
        while data:
            step = self._feed_block if self._in_block else self._feed_text
            data = step(data, outputs)
        return outputs

    def flush(self) -> list[Output]:
        """End of stream: release held-back text; an unclosed block still asks."""
        outputs: list[Output] = []
        if self._in_block:
            # The agent forgot the closing marker: its questions are still questions.
            self._block.append(self._carry)
            self._close_block(outputs)
        elif self._carry:
            outputs.append(TextDelta(self._carry))
        self._carry = ""
        return outputs

    def _feed_text(self, data: str, outputs: list[Output]) -> str:
        """Outside a block: emit text up to ``[[ASK]]``; return what follows it."""
        start = data.find(OPEN_MARKER)
        if start < 0:
            keep = _partial_marker_length(data, OPEN_MARKER)
            visible, self._carry = data[: len(data) - keep], data[len(data) - keep :]
            if visible:
                outputs.append(TextDelta(visible))
            return ""
        if start:
            outputs.append(TextDelta(data[:start]))
        self._in_block = True
        return data[start + len(OPEN_MARKER) :]

    def _feed_block(self, data: str, outputs: list[Output]) -> str:
        """Inside a block: collect it up to ``[[/ASK]]``; return what follows it."""
        end = data.find(CLOSE_MARKER)
        if end < 0:
            keep = _partial_marker_length(data, CLOSE_MARKER)
            self._block.append(data[: len(data) - keep])
            self._carry = data[len(data) - keep :]
            return ""
        self._block.append(data[:end])
        self._close_block(outputs)
        return data[end + len(CLOSE_MARKER) :]

    def _close_block(self, outputs: list[Output]) -> None:
        questions = parse_questions("".join(self._block))
        self._block.clear()
        self._in_block = False
        if questions:
            outputs.append(Questions(questions))


def _partial_marker_length(data: str, marker: str) -> int:
    """Length of the longest tail of ``data`` that is a proper prefix of ``marker``."""
    for length in range(min(len(marker) - 1, len(data)), 0, -1):
        if marker.startswith(data[-length:]):
            return length
    return 0


def parse_questions(block: str) -> tuple[str, ...]:
    """One question per non-empty line of ``block``, list bullets removed."""
    questions = []
    for line in block.splitlines():
        question = _BULLET.sub("", line.strip()).strip()
        if question:
            questions.append(question)
    return tuple(questions)


def answers_prompt(questions: Sequence[Any], answers: Sequence[Any]) -> str:
    """The message that gives the agent the user's answers to its questions."""
    lines = ["Here are my answers to your questions."]
    for index, answer in enumerate(answers):
        question = questions[index] if index < len(questions) else f"Question {index + 1}"
        lines.append(f"\nQ: {question}\nA: {answer}")
    lines.append("\nPlease continue.")
    return "\n".join(lines)
