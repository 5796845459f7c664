"""Messages that do not conform to a pub/sub channel's format, to publish in fault tests.

Each long-lived loop that reads a channel must log and skip these and go on with the
next real message. Both lists include messages addressed to a real job (or project),
so they reach the code past the first routing step.
"""

from __future__ import annotations


def malformed_event_messages(job_id: str) -> list[bytes]:
    """Messages on a job's channel that are not ``"<job> <seq> <type> <ts> <end>\\n<frame>"``."""
    job = job_id.encode()
    return [
        b"",
        b"no-space-at-all",
        b"\xff\xfe not utf-8",
        job + b" no newline after the header",
        job + b" 1 chunk\nheader too short",
        job + b" one chunk 1.0 0\nseq is not a number",
        job + b" 1 chunk soon 0\nts is not a number",
        b"\xff" + job + b" 1 chunk 1.0 0\nnot utf-8 job id",
    ]


def malformed_control_messages(project: str) -> list[bytes]:
    """Messages on ``relay:control`` that are not a JSON ``{"cancel"|"turn": <str>}``."""
    return [b"not json", b"[1, 2]", b'{"turn": []}', b"123", b'{"other": 1}', b'{"cancel": 7}']
