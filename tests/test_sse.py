"""The repository's SSE parser against the specification's rules (relay/sse.py)."""

from __future__ import annotations

import pytest

from relay.sse import ServerSentEvent, SSEDecoder


def parse(*reads: bytes) -> tuple[list[ServerSentEvent], SSEDecoder]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for read in reads:
        events.extend(decoder.feed(read))
    return events, decoder


def test_an_event_has_its_type_data_and_id() -> None:
    events, _ = parse(b'id: 7\nevent: chunk\ndata: {"text":"Hi"}\n\n')
    assert events == [ServerSentEvent("chunk", '{"text":"Hi"}', "7")]
    assert events[0].id == 7
    assert events[0].json() == {"text": "Hi"}


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c"])
def test_unicode_line_separators_stay_inside_the_data(separator: str) -> None:
    # str.splitlines() splits at these; the SSE specification does not.
    payload = f"A{separator}B"
    events, _ = parse(f"data: {payload}\n\n".encode())
    assert [event.data for event in events] == [payload]


@pytest.mark.parametrize("newline", [b"\n", b"\r", b"\r\n"])
def test_lines_end_at_cr_lf_and_crlf(newline: bytes) -> None:
    stream = newline.join([b"data: one", b"data: two", b"", b"data: three", b"", b""])
    events, _ = parse(stream)
    assert [event.data for event in events] == ["one\ntwo", "three"]


def test_a_crlf_split_across_reads_is_one_line_end() -> None:
    events, _ = parse(b"data: one\r", b"\ndata: two\r", b"\n\r", b"\n")
    assert [event.data for event in events] == ["one\ntwo"]


def test_byte_by_byte_feeding_gives_the_same_events() -> None:
    stream = "\ufeffid: 1\r\ndata: héllo \u2028 wörld\r\n\r\n: ping\n\ndata: x\n\n".encode()
    whole, _ = parse(stream)
    split, decoder = parse(*(stream[i : i + 1] for i in range(len(stream))))
    assert split == whole
    assert [event.data for event in whole] == ["héllo \u2028 wörld", "x"]
    assert decoder.comments == 1


def test_fields_follow_the_specification() -> None:
    stream = (
        b"data\n"  # no colon: the field's value is empty
        b"data:no space\n"
        b"data:  two spaces\n"  # only one space is dropped
        b"unknown: ignored\n"
        b"retry: 1500\n"
        b"retry: soon\n"  # not digits: ignored
        b"id: 3\x00\n"  # NUL: ignored
        b"\n"
    )
    events, decoder = parse(stream)
    assert [event.data for event in events] == ["\nno space\n two spaces"]
    assert events[0].type == "message"
    assert events[0].last_event_id == ""
    assert decoder.retry_ms == 1500


def test_an_event_without_data_is_not_dispatched_and_its_type_resets() -> None:
    events, decoder = parse(b"event: status\n\n: comment\n\ndata: x\n\n")
    assert [(event.type, event.data) for event in events] == [("message", "x")]
    assert decoder.comments == 1


def test_an_unfinished_event_at_the_end_is_not_dispatched() -> None:
    events, _ = parse(b"data: complete\n\ndata: cut")
    assert [event.data for event in events] == ["complete"]


def test_the_id_persists_to_later_events() -> None:
    events, _ = parse(b"id: 5\ndata: a\n\ndata: b\n\n")
    assert [event.id for event in events] == [5, 5]
