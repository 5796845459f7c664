"""Generated sections of BENCHMARKS.md: a block between a begin and an end marker.

Each benchmark owns one block; re-running it replaces its block in place and
leaves the rest of the document (and the other benchmarks' blocks) untouched.
"""

from __future__ import annotations


def splice(document: str, block: str, begin: str, end: str) -> str:
    """``document`` with the block between ``begin`` and ``end`` replaced (appended if absent)."""
    if begin in document and end in document:
        head, _, rest = document.partition(begin)
        _, _, tail = rest.partition(end)
        return head + block.rstrip("\n") + tail
    return document.rstrip("\n") + "\n\n" + block


def existing_block(document: str, begin: str, end: str) -> str:
    """The block of ``document`` between ``begin`` and ``end``, markers included ("" if none)."""
    if begin not in document or end not in document:
        return ""
    _, _, rest = document.partition(begin)
    inner, _, _ = rest.partition(end)
    return begin + inner + end + "\n"
