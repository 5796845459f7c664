"""Chat-format messages for the backends that take a whole conversation each call.

The OpenAI-compatible and local backends are stateless: every round sends the
personality, the project's earlier exchanges and the new prompt. A round that
resumes after questions adds the questions (as the assistant's turn) and the
user's answers.
"""

from __future__ import annotations

from watcher.backends.ask import answers_prompt
from watcher.backends.base import BackendRequest

Message = dict[str, str]


def chat_messages(request: BackendRequest, max_history_chars: int | None = None) -> list[Message]:
    """The messages for ``request``: system, history (newest kept), prompt, answers.

    ``max_history_chars`` bounds the history for small context windows: the oldest
    exchanges are dropped first, because the recent ones matter most to the answer.
    """
    messages: list[Message] = []
    if request.personality:
        messages.append({"role": "system", "content": request.personality})
    messages.extend(_history(request, max_history_chars))
    messages.append({"role": "user", "content": request.prompt})
    if request.answers:
        asked = "\n".join(str(question) for question in request.questions)
        messages.append({"role": "assistant", "content": asked or "I have some questions."})
        messages.append(
            {"role": "user", "content": answers_prompt(request.questions, request.answers)}
        )
    return messages


def _history(request: BackendRequest, max_chars: int | None) -> list[Message]:
    start = len(request.history)
    used = 0
    while start > 0:
        exchange = request.history[start - 1]
        used += len(exchange.user) + len(exchange.assistant)
        if max_chars is not None and used > max_chars:
            break
        start -= 1
    messages: list[Message] = []
    for exchange in request.history[start:]:
        messages.append({"role": "user", "content": exchange.user})
        messages.append({"role": "assistant", "content": exchange.assistant})
    return messages
