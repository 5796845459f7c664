"""The private Redis's fsync policy is a setting (``RELAY_REDIS_APPENDFSYNC``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay.settings import APPENDFSYNC_POLICIES, Settings
from tests.support.launcher import LauncherProcess
from tests.support.processes import RedisServer, running
from tests.support.stack import make_settings


@pytest.mark.parametrize("policy", APPENDFSYNC_POLICIES)
def test_the_private_redis_runs_with_the_configured_fsync_policy(
    policy: str, tmp_path: Path, logs_dir: Path
) -> None:
    server = RedisServer(logs_dir, tmp_path / "redis", appendfsync=policy)
    with running(server), server.client() as client:
        assert client.config_get("appendfsync") == {"appendfsync": policy}
        assert client.config_get("appendonly") == {"appendonly": "yes"}


def test_an_unknown_fsync_policy_is_refused_before_anything_starts(
    tmp_path: Path, logs_dir: Path
) -> None:
    with pytest.raises(ValueError, match="RELAY_REDIS_APPENDFSYNC='sometimes' is not one of"):
        Settings.from_env({"RELAY_REDIS_APPENDFSYNC": "sometimes"})
    settings = make_settings(tmp_path / "state")
    launcher = LauncherProcess(settings, logs_dir, wait_until_up=False)
    launcher.command.env["RELAY_REDIS_APPENDFSYNC"] = "sometimes"
    launcher.start()
    try:
        assert launcher.wait(30) == 2
    finally:
        launcher.stop()
    assert "is not one of always, everysec, no" in launcher.output()
    assert "Traceback" not in launcher.output()
    assert not (tmp_path / "state" / "redis").exists()
