"""The [[ASK]] filter: text passes through at once, question blocks become Questions."""

from __future__ import annotations

from watcher.backends.ask import AskBlockFilter, answers_prompt, parse_questions
from watcher.backends.base import Output, Questions, TextDelta


def run(pieces: list[str]) -> list[Output]:
    ask = AskBlockFilter()
    outputs: list[Output] = []
    for piece in pieces:
        outputs.extend(ask.feed(piece))
    return outputs + ask.flush()


def text_of(outputs: list[Output]) -> str:
    return "".join(o.text for o in outputs if isinstance(o, TextDelta))


def questions_of(outputs: list[Output]) -> list[tuple[str, ...]]:
    return [o.questions for o in outputs if isinstance(o, Questions)]


ANSWER = (
    "I need details.\n[[ASK]]\n- Which colour?\n* How many?\n1. When?\n\n2) Where?\n"
    "[[/ASK]]\nThanks."
)


def test_plain_text_passes_through_immediately() -> None:
    ask = AskBlockFilter()
    assert ask.feed("Hello ") == [TextDelta("Hello ")]
    assert ask.feed("world, [not a marker]") == [TextDelta("world, [not a marker]")]
    assert ask.flush() == []


def test_block_becomes_questions_and_is_not_shown() -> None:
    outputs = run([ANSWER])
    assert text_of(outputs) == "I need details.\n\nThanks."
    assert questions_of(outputs) == [("Which colour?", "How many?", "When?", "Where?")]


def test_block_split_into_single_characters_gives_the_same_result() -> None:
    outputs = run(list(ANSWER))
    assert text_of(outputs) == "I need details.\n\nThanks."
    assert questions_of(outputs) == [("Which colour?", "How many?", "When?", "Where?")]


def test_only_a_possible_marker_prefix_is_held_back() -> None:
    ask = AskBlockFilter()
    assert ask.feed("see [[AS") == [TextDelta("see ")]
    assert ask.feed("IDE]] there") == [TextDelta("[[ASIDE]] there")]


def test_text_is_never_held_back_beyond_a_marker_prefix() -> None:
    ask = AskBlockFilter()
    fed = shown = 0
    for piece in ["word [", "[x] ", "a" * 1000, " [[", "A", "S"]:
        fed += len(piece)
        shown += len(text_of(ask.feed(piece)))
        assert fed - shown <= len("[[ASK]]") - 1
    shown += len(text_of(ask.flush()))
    assert shown == fed


def test_unclosed_block_still_asks_at_the_end() -> None:
    outputs = run(["Question time [[ASK]] What now?\nAnd then?"])
    assert text_of(outputs) == "Question time "
    assert questions_of(outputs) == [("What now?", "And then?")]


def test_empty_block_asks_nothing() -> None:
    assert run(["a[[ASK]]\n \n[[/ASK]]b"]) == [TextDelta("a"), TextDelta("b")]


def test_numbers_in_questions_are_not_taken_for_bullets() -> None:
    assert parse_questions("1.5 litres or 2?\n- 3) ok?") == ("1.5 litres or 2?", "3) ok?")


def test_answers_prompt_pairs_questions_and_answers() -> None:
    prompt = answers_prompt(("Which colour?", "How many?"), ("blue", 3))
    assert "Q: Which colour?\nA: blue" in prompt
    assert "Q: How many?\nA: 3" in prompt
