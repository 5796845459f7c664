"""docker-compose's ``redis-cluster-init`` script, run for real against six fresh nodes.

No Docker engine runs here, so the compose service names are mapped to local nodes by a
``redis-cli`` shim (``-h redis-cluster-N`` becomes ``-h 127.0.0.1 -p <port N>``); the
script itself is exactly the compose file's, with ``$$`` read as ``$`` as compose does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.cluster import LocalCluster

COMPOSE = Path(__file__).resolve().parents[3] / "docker-compose.yml"
SHIM = """#!{python}
import os, sys
ports = {ports!r}
argv, out = sys.argv[1:], []
while argv:
    arg = argv.pop(0)
    if arg == "-h" and argv and argv[0] in ports:
        out += ["-h", "127.0.0.1", "-p", str(ports[argv.pop(0)])]
    else:
        out.append(arg)
os.execv({real!r}, [{real!r}, *out])
"""


def run_init(script: str, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "TERM": "dumb"}
    return subprocess.run(
        ["sh", "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_compose_init_makes_the_cluster_of_fresh_nodes_and_leaves_a_made_one_alone(
    tmp_path: Path, logs_dir: Path
) -> None:
    service = yaml.safe_load(COMPOSE.read_text())["services"]["redis-cluster-init"]
    script = service["command"][2].replace("$$", "$")
    nodes = LocalCluster(logs_dir, tmp_path / "nodes")
    try:
        for node in nodes.nodes:
            node.start()  # six fresh nodes, as compose starts them: no cluster yet
        ports = {f"redis-cluster-{i}": node.port for i, node in enumerate(nodes.nodes, 1)}
        real = shutil.which("redis-cli")
        assert real is not None
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        shim = bin_dir / "redis-cli"
        shim.write_text(SHIM.format(python=sys.executable, ports=ports, real=real))
        shim.chmod(0o755)

        made = run_init(script, bin_dir)
        assert made.returncode == 0, made.stdout + made.stderr
        assert ">>> Performing hash slots allocation on 6 nodes" in made.stdout
        assert made.stdout.rstrip().endswith("cluster_state:ok")
        nodes.wait_ready()
        assert len(nodes.masters()) == 3 and len(nodes.replicas()) == 3

        again = run_init(script, bin_dir)  # e.g. `docker compose up` with the volumes kept
        assert again.returncode == 0, again.stdout + again.stderr
        assert "the nodes already form a cluster" in again.stdout
        assert "Performing hash slots allocation" not in again.stdout
    finally:
        nodes.stop()
