"""Chat-format messages for the backends that take a whole conversation each call.

The OpenAI-compatible and local backends are stateless: every round sends the
personality, the project's earlier exchanges and the new prompt. A round that
resumes after questions adds the questions (as the assistant's turn) and the
user's answers.

Every such round fits a *context budget* (``Settings.context_tokens``): the model's
window minus room for the answer. The oldest exchanges are dropped first, because
the recent ones matter most to the answer; the personality and the newest message
are always sent (if they alone overflow, the upstream's own error says so). Tokens
are counted with the model's tokenizer where the backend has it (local model), and
estimated from characters otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from watcher.backends.ask import answers_prompt
from watcher.backends.base import BackendRequest

Message = dict[str, str]
#: Counts the tokens one message's text costs (its chat-template framing included).
TokenCounter = Callable[[str], int]

#: Characters per token when the tokenizer is unknown: low on purpose (English runs
#: about 4, code and non-Latin scripts fewer), so the estimate errs towards fitting.
CHARS_PER_TOKEN = 3
#: Tokens a chat template spends around each message (role markers, separators).
MESSAGE_OVERHEAD_TOKENS = 8


def estimate_tokens(text: str) -> int:
    """Tokens of one message, estimated from its length (no tokenizer at hand)."""
    return len(text) // CHARS_PER_TOKEN + MESSAGE_OVERHEAD_TOKENS


def prompt_budget(context_tokens: int, answer_tokens: int) -> int:
    """Tokens the messages may use: the window minus the room kept for the answer.

    ``answer_tokens`` is the configured ``max_tokens``; 0 (unbounded) keeps a quarter
    of the window for the answer.
    """
    reserve = answer_tokens if answer_tokens > 0 else context_tokens // 4
    return max(0, context_tokens - reserve)


def chat_messages(
    request: BackendRequest,
    budget_tokens: int | None = None,
    count_tokens: TokenCounter = estimate_tokens,
) -> list[Message]:
    """The messages for ``request``: system, history (newest kept), prompt, answers.

    With ``budget_tokens``, only the newest exchanges that fit beside the rest are sent.
    """
    head: list[Message] = []
    if request.personality:
        head.append({"role": "system", "content": request.personality})
    tail: list[Message] = [{"role": "user", "content": request.prompt}]
    if request.answers:
        asked = "\n".join(str(question) for question in request.questions)
        tail.append({"role": "assistant", "content": asked or "I have some questions."})
        tail.append({"role": "user", "content": answers_prompt(request.questions, request.answers)})
    left = None
    if budget_tokens is not None:
        left = budget_tokens - sum(count_tokens(m["content"]) for m in head + tail)
    return head + _history(request, left, count_tokens) + tail


def _history(
    request: BackendRequest, left: int | None, count_tokens: TokenCounter
) -> list[Message]:
    """The newest exchanges whose tokens fit in ``left`` (all of them when None)."""
    start = len(request.history)
    while start > 0:
        exchange = request.history[start - 1]
        if left is not None:
            left -= count_tokens(exchange.user) + count_tokens(exchange.assistant)
            if left < 0:
                break
        start -= 1
    messages: list[Message] = []
    for exchange in request.history[start:]:
        messages.append({"role": "user", "content": exchange.user})
        messages.append({"role": "assistant", "content": exchange.assistant})
    return messages
