"""``python -m launcher --cluster``: the nodes' command lines, ports, refusals, settings."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from launcher import __main__ as launcher_main
from launcher import cluster, stack
from launcher.launch import launch
from launcher.preflight import BUS_PORT_OFFSET, LaunchRefused, check_ports, ports_needed
from relay.settings import Settings

# CLUSTER NODES as Redis 7 writes it: "ip:port@bus,hostname", a migrating slot, a failed master.
NODES_TEXT = """\
07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:7004@17004,node-4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:7002@17002 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:7003@17003 master - 0 1426238318243 3 connected 10923-16383 [10923->-e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca]
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5459 5460
824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:7006@17006 master,fail - 1426238316232 1426238315232 6 disconnected
"""  # noqa: E501


def test_a_node_runs_in_cluster_mode_on_loopback_with_its_own_folder_and_aof(
    tmp_path: Path,
) -> None:
    settings = Settings(state_dir=tmp_path)
    command = cluster.node_command(settings, 7003, cluster.cluster_dir(settings))
    argv = command.argv
    options = dict(zip(argv[1::2], argv[2::2], strict=False))
    folder = tmp_path / "cluster" / "7003"
    assert Path(argv[0]).name == "redis-server"
    assert options["--port"] == "7003"
    assert options["--bind"] == "127.0.0.1"
    assert options["--dir"] == str(folder)
    assert options["--cluster-enabled"] == "yes"
    assert options["--cluster-config-file"] == str(folder / "nodes-7003.conf")
    assert options["--cluster-node-timeout"] == "1000"
    assert options["--cluster-replica-validity-factor"] == "0"
    assert options["--appendonly"] == "yes"
    assert options["--appendfsync"] == settings.redis_appendfsync
    assert options["--save"] == ""
    assert "--cluster-port" not in options  # Redis's own port + 10000
    assert command.name == "redis-7003"

    with_bus = cluster.node_command(settings, 40000, tmp_path, bus_port=41234).argv
    assert with_bus[with_bus.index("--cluster-port") + 1] == "41234"


def test_the_cluster_is_created_over_the_six_nodes_with_one_replica_each(tmp_path: Path) -> None:
    ports = cluster.cluster_ports(Settings(state_dir=tmp_path))
    argv = cluster.create_command(Settings(state_dir=tmp_path), ports).argv
    assert Path(argv[0]).name == "redis-cli"
    assert argv[1:3] == ["--cluster", "create"]
    assert argv[3:9] == [f"127.0.0.1:{port}" for port in range(7001, 7007)]
    assert argv[9:] == ["--cluster-replicas", "1", "--cluster-yes"]


def test_ports_start_at_the_setting_or_7001_and_leave_room_for_the_bus() -> None:
    assert cluster.cluster_ports(Settings()) == list(range(7001, 7007))
    assert cluster.cluster_ports(Settings(local_cluster_port=7100)) == list(range(7100, 7106))
    with pytest.raises(LaunchRefused, match="55535"):
        cluster.cluster_ports(Settings(local_cluster_port=55531))


def test_the_app_and_the_watcher_are_given_the_local_cluster_as_their_redis(
    tmp_path: Path,
) -> None:
    settings = cluster.with_local_cluster(Settings(state_dir=tmp_path, local_cluster_port=7201))
    seeds = ",".join(f"127.0.0.1:{port}" for port in range(7201, 7207))
    for command in (stack.app_command(settings), stack.watcher_command(settings)):
        assert command.env["RELAY_REDIS_CLUSTER_NODES"] == seeds
        assert not command.env["REDIS_URL"]
        child = Settings.from_env(command.env)
        assert child.cluster_seeds == [("127.0.0.1", port) for port in range(7201, 7207)]


@pytest.mark.parametrize(
    "configured",
    [{"redis_url": "redis://127.0.0.1:6379/0"}, {"redis_cluster_nodes": "10.0.0.1:7000"}],
)
def test_a_local_cluster_is_refused_when_another_redis_is_configured(
    configured: dict[str, str],
) -> None:
    with pytest.raises(LaunchRefused, match="unset REDIS_URL"):
        cluster.with_local_cluster(Settings(**configured))  # type: ignore[arg-type]


def test_preflight_checks_every_node_port_and_bus_port(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    ports = ports_needed(settings, private_redis=False, cluster_ports=[7001, 7002])
    owners = {port.port: port.owner for port in ports}
    assert owners[7001] == "redis cluster node 7001"
    assert owners[17002] == "redis cluster node 7002 (bus)"
    assert settings.redis_port not in owners  # no private Redis beside the cluster

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        bus_port = taken.getsockname()[1]
        node = bus_port - BUS_PORT_OFFSET
        with pytest.raises(LaunchRefused, match=rf"port {bus_port} is already in use.*\(bus\)"):
            check_ports(ports_needed(settings, private_redis=False, cluster_ports=[node]))


async def test_launch_refuses_before_starting_anything(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, redis_url="redis://127.0.0.1:1/0")
    with pytest.raises(LaunchRefused):
        await launch(settings, local_cluster=True)
    assert not (tmp_path / "cluster").exists()


def test_the_command_line_switch_exits_2_on_a_refusal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RELAY_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert launcher_main.main(["--cluster"]) == launcher_main.EXIT_REFUSED
    assert "--cluster starts a Redis Cluster of its own" in capsys.readouterr().err


def test_cluster_nodes_are_parsed_with_their_roles_slots_and_failures() -> None:
    views = {view.port: view for view in cluster.parse_cluster_nodes(NODES_TEXT)}
    assert sorted(views) == [7001, 7002, 7003, 7004, 7006]
    replica = views[7004]
    assert not replica.is_master and replica.master_id == views[7001].node_id
    assert replica.host == "127.0.0.1"
    assert views[7001].slots == ((0, 5459), (5460, 5460))
    assert views[7003].slots == ((10923, 16383),)  # the migration marker is not a slot
    assert views[7001].holds(5460) and not views[7001].holds(5461)
    assert views[7006].failed and not views[7006].link_connected
    assert [v.port for v in cluster.live_masters(views.values())] == [7002, 7003, 7001]


def test_info_text_is_read_as_fields() -> None:
    text = "# Replication\r\nrole:master\r\nslave0:ip=127.0.0.1,port=7004,state=online\r\n"
    assert cluster.parse_info(text) == {
        "role": "master",
        "slave0": "ip=127.0.0.1,port=7004,state=online",
    }
