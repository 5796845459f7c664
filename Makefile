# Relay: `make run` starts the whole stack, `make test` proves it (see README.md).
# Both run scripts/setup.sh first: quick when nothing changed.

VENV   := .venv
PYTHON := $(VENV)/bin/python

.PHONY: setup run run-cluster test lint

setup:
	./scripts/setup.sh

run: setup
	$(PYTHON) -m launcher

# The same stack on a local Redis Cluster: 6 nodes (3 masters, 3 replicas) on
# RELAY_LOCAL_CLUSTER_PORT..+5 (default 7001-7006), data in state/cluster/.
run-cluster: setup
	$(PYTHON) -m launcher --cluster

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PYTHON) -m mypy

test: lint
	./scripts/setup-test-peers.sh
	$(PYTHON) -m pytest

# --- load and performance (loadtest/, BENCHMARKS.md) -----------------------------------
# Both start a stack of their own on free ports (echo model) and stop it afterwards.

LOADTEST_USERS    ?= 100
LOADTEST_DURATION ?= 60s
LOADTEST_REPORTS  := loadtest/reports

.PHONY: loadtest bench bench-peers bench-semantic bench-cluster

# The SLO gate on both paths: the echo model, then the openai model on the mock upstream.
loadtest: setup
	$(PYTHON) -m loadtest.stack --log-name locust-stack -- \
		$(PYTHON) -m locust -f loadtest/locustfile.py --headless --only-summary \
		-u $(LOADTEST_USERS) -r 20 -t $(LOADTEST_DURATION) --slo \
		--csv $(LOADTEST_REPORTS)/locust --html $(LOADTEST_REPORTS)/locust.html
	$(PYTHON) -m loadtest.stack --upstream --log-name locust-upstream-stack -- \
		$(PYTHON) -m locust -f loadtest/locustfile.py --headless --only-summary \
		-u $(LOADTEST_USERS) -r 20 -t $(LOADTEST_DURATION) --slo --model openai \
		--csv $(LOADTEST_REPORTS)/locust-upstream --html $(LOADTEST_REPORTS)/locust-upstream.html

# Relay (default settings) beside the upstream reached directly, LiteLLM (installed into
# state/peers/ on first use) and two bare stacks of the design's parts (loadtest/floor.py),
# 100 and 1,000 streams; the table goes into BENCHMARKS.md.
bench-peers: setup
	$(PYTHON) -m loadtest.peers --json $(LOADTEST_REPORTS)/peers.json && \
		$(PYTHON) -m loadtest.peers_report $(LOADTEST_REPORTS)/peers.json BENCHMARKS.md

# The semantic cache: model load/RSS, a miss's added latency, a hit through nginx, pair quality.
bench-semantic: setup
	$(PYTHON) -m loadtest.semantic_bench --json $(LOADTEST_REPORTS)/semantic.json

# Fan-out on a local Redis Cluster, 2 and then 4 app processes: each one's pub/sub messages
# against the streams its own clients follow; its block of BENCHMARKS.md.
bench-cluster: setup
	$(PYTHON) -m loadtest.cluster_fanout --json $(LOADTEST_REPORTS)/cluster_fanout.json

bench: setup
	$(PYTHON) -m loadtest.bench --mode all --profile --json $(LOADTEST_REPORTS)/bench.json; \
		status=$$?; \
		$(PYTHON) -m loadtest.report $(LOADTEST_REPORTS)/bench.json BENCHMARKS.md && exit $$status
