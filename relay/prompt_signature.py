"""The facts a paraphrase must keep: a cheap guard beside the embedding's cosine.

A sentence model places "I have 2 apples" and "I have 3 apples", or "5 miles to
kilometers" and "5 kilometers to miles", closer together (cosine 0.97-0.99 with
all-MiniLM-L6-v2, see BENCHMARKS.md) than many true paraphrases (0.81 and up).
The semantic cache therefore reuses an answer only when both prompts also have
the same :func:`signature`: the same sequence, in order, of

- numbers (``10th`` is 10, ``1,000`` is 1000) and number words,
- negations (``not``, ``no``, ``never``, ``n't``, ``without`` ... all count as one kind),
- names: capitalised words after the first word (``I`` excepted) and acronyms,
- quoted text,
- units, and words that flip an answer (ascending/descending, before/after,
  install/uninstall, yesterday/tomorrow ...).

A paraphrase that changes none of these still hits; one that reorders or
rewords them misses, which only costs a run of the agent, never a wrong answer.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTED = re.compile(
    r"""["\u201c\u201d]([^"\u201c\u201d]+)["\u201c\u201d]"""  # "double" or curly quotes
    r"""|(?<!\w)'([^']+)'(?!\w)"""  # 'single' quotes, not apostrophes
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(st|nd|rd|th)$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEGATIONS = _words(
    "not no never none nobody nothing nowhere neither nor without cannot cant "
    "isnt arent wasnt werent dont doesnt didnt wont wouldnt shouldnt couldnt "
    "hasnt havent hadnt mustnt neednt except excluding"
)
NUMBER_WORDS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty "
    "sixty seventy eighty ninety hundred thousand million billion trillion half "
    "double triple twice thrice first second third fourth fifth last"
)
UNITS = _words(
    "mile miles kilometer kilometers kilometre kilometres km meter meters metre metres "
    "centimeter centimeters cm millimeter millimeters mm inch inches foot feet ft yard yards "
    "gram grams g kilogram kilograms kg pound pounds lb lbs ounce ounces oz ton tons tonne "
    "liter liters litre litres ml gallon gallons cup cups celsius fahrenheit kelvin "
    "second seconds minute minutes hour hours day days week weeks month months year years "
    "decade decades century centuries byte bytes bit bits kb mb gb tb percent dollar "
    "dollars euro euros yen pound sterling cents"
)
POLAR = _words(
    "ascending descending increasing decreasing increase decrease before after above "
    "below over under more less most least fewer greater smaller bigger larger higher "
    "lower longer shorter faster slower older newer oldest newest min max minimum "
    "maximum best worst true false yes left right up down north south east west "
    "yesterday today tomorrow past future previous next install uninstall enable "
    "disable add remove insert delete create destroy start stop open close encrypt "
    "decrypt encode decode import export upload download push pull send receive buy "
    "sell win lose allow deny block unblock lock unlock accept reject horizontal "
    "vertical inside outside input output"
)
_NOT_A_NAME = frozenset({"i", "i'm", "i've", "i'd", "i'll"})


def _fold(word: str) -> str:
    return word.casefold().replace("\u2019", "'")


def signature(prompt: str) -> tuple[str, ...]:
    """The ordered facts of ``prompt`` that another prompt must share to reuse its answer."""
    text = unicodedata.normalize("NFKC", prompt)
    facts: list[str] = []
    for match in _QUOTED.finditer(text):
        facts.append("q:" + _fold(match.group(1) or match.group(2)).strip())
    for index, token in enumerate(_TOKEN.findall(_QUOTED.sub(" ", text))):
        folded = _fold(token)
        bare = folded.replace("'", "")
        if token[0].isdigit():
            facts.append("n:" + _ORDINAL_SUFFIX.sub("", token).replace(",", ""))
        elif bare in NEGATIONS or folded.endswith("n't"):
            facts.append("not")
        elif folded in NUMBER_WORDS:
            facts.append("n:" + folded)
        elif folded in UNITS or folded in POLAR:
            facts.append("w:" + folded)
        elif _is_name(token, index) and folded not in _NOT_A_NAME:
            facts.append("c:" + folded)
    return tuple(facts)


def _is_name(token: str, index: int) -> bool:
    """A capitalised word past the first, or an acronym / camel-cased word anywhere."""
    if any(ch.isupper() for ch in token[1:]):
        return True
    return index > 0 and token[0].isupper()
