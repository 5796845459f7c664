"""Fixtures for the tests that run against a real Redis Cluster (``tests.support.cluster``).

- ``redis_cluster``: six ``redis-server`` nodes in cluster mode on free ports, three
  masters and three replicas, made with ``redis-cli --cluster create`` once for the
  session (``.seeds``, ``.nodes``, ``.master_of(key)``, ``.kill(node)``,
  ``.wait_for_failover(old)``, ``.restart(node)``, ``.client()``, ``.flush()``).
- ``cluster_settings``: the session's ``settings`` pointed at that cluster
  (``redis_cluster_nodes``), with a state folder of its own.
- ``flush_cluster``: restarts whatever an earlier test killed, waits until the cluster
  is ready, empties it; returns the function that empties it again.

The session-wide fixtures (``logs_dir``, ``settings`` ...) are ``tests/conftest.py``'s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from relay.settings import Settings
from tests.support.cluster import LocalCluster
from tests.support.stack import make_settings


@pytest.fixture(scope="session")
def redis_cluster(
    tmp_path_factory: pytest.TempPathFactory, logs_dir: Path
) -> Iterator[LocalCluster]:
    """A real six-node Redis Cluster for the session; stopped at its end."""
    with LocalCluster(logs_dir, tmp_path_factory.mktemp("redis-cluster")) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def cluster_settings(
    tmp_path_factory: pytest.TempPathFactory, redis_cluster: LocalCluster
) -> Settings:
    """Settings on free ports and a tmp state folder, using ``redis_cluster``."""
    settings = make_settings(tmp_path_factory.mktemp("cluster-state"))
    return dataclasses.replace(settings, redis_url="", redis_cluster_nodes=redis_cluster.seeds)


@pytest.fixture
def flush_cluster(redis_cluster: LocalCluster) -> Callable[[], None]:
    """A whole, ready, empty cluster before the test; returns the function to empty it."""
    redis_cluster.ensure_healthy()
    redis_cluster.flush()
    return redis_cluster.flush
