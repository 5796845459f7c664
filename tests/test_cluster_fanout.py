"""``make bench-cluster``'s arithmetic and report (the run itself: the cluster smoke test)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from loadtest import cluster_fanout


def test_streams_are_shared_in_proportion_to_the_app_number() -> None:
    assert cluster_fanout.shares(200, 2) == [67, 133]
    assert cluster_fanout.shares(200, 4) == [20, 40, 60, 80]
    assert cluster_fanout.shares(7, 3) == [1, 2, 4]
    for streams in range(1, 60):
        assert sum(cluster_fanout.shares(streams, 4)) == streams


@pytest.fixture
def metrics_without_the_hub_counter() -> Iterator[str]:
    class Metrics(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"# TYPE relay_sse_connections gauge\nrelay_sse_connections 0.0\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Metrics)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_app_without_the_hub_counter_stops_the_benchmark_with_a_reason(
    metrics_without_the_hub_counter: str,
) -> None:
    with pytest.raises(cluster_fanout.BenchError, match="no relay_hub_messages_total"):
        cluster_fanout.hub_messages(metrics_without_the_hub_counter)


def test_the_report_is_one_marked_block_with_a_row_per_app_and_the_command_line() -> None:
    row = {
        "app": 1, "streams": 67, "stream_share": 0.335, "resumed": 2, "own_events": 4154,
        "hub_messages": 4100, "messages_per_s": 410.0, "message_share": 0.334,
        "of_all_events": 0.33,
    }  # fmt: skip
    run = {
        "apps": 2, "streams": 200, "failed": 0, "seconds": 10.0, "total_events": 12400,
        "events_per_s": 1240.0, "rows": [row, {**row, "app": 2}], "resumed": 4,
        "drops": {"GET /api/sse/status/{job}: status 503": 3},
    }  # fmt: skip
    report = {
        "started": "now", "nproc": 2, "loadavg_at_start": [1, 1, 1],
        "loadavg_at_end": [2, 2, 2], "words": 60, "echo_interval_ms": 50.0, "streams": 200,
        "ramp_s": 2.0,
        "command": "python -m loadtest.cluster_fanout --streams 200", "runs": [run],
    }  # fmt: skip
    block = cluster_fanout.render(report)
    assert block.startswith(cluster_fanout.BEGIN) and block.rstrip().endswith(cluster_fanout.END)
    assert "python -m loadtest.cluster_fanout --streams 200" in block
    assert "| 2 | 1 | 67 (33.5 %) | 2 | 4154 | 4100 (33.4 %) | 410.0 | 33.0 % |" in block
    summary = "| 2 | 200 (0) | 10.0 | 12400 | 1240.0 | - | 4 |"
    assert f"{summary} GET /api/sse/status/{{job}}: status 503 (3) |" in block
