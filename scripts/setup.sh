#!/usr/bin/env bash
# Set up everything `make run` and `make test` need, on Debian 12 / Ubuntu.
#
#   1. System programs: nginx, redis-server, chromium, prometheus. Installed with
#      apt-get only when missing (root needed then; otherwise we say what to install).
#      Their Debian services are not started or enabled: Relay runs its own instances
#      on its own ports, and a system Redis on 6379 is never touched.
#   2. The real Claude Code CLI for the tests: the npm package pinned in
#      tests/claude_cli/package.json (lockfile beside it), `npm ci` into
#      tests/claude_cli/node_modules (npm itself from apt when missing).
#   3. .venv (python3.11) with the project, its dev extra and the local-model extra
#      (llama-cpp-python builds from source once; pip's wheel cache makes reinstalls fast).
#
# Idempotent and quick the second time: a stamp under state/ records a hash of
# pyproject.toml and this script, and is trusted only while the venv still has them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
STATE_DIR="$ROOT/state"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3.11}"
STAMP="$STATE_DIR/setup.stamp"

say() { echo "setup   | $*"; }
die() { echo "setup   | error: $*" >&2; exit 1; }

# --- 1. system programs ------------------------------------------------------------
# command -> Debian package
declare -A PACKAGE_FOR=(
    [nginx]=nginx-light
    [redis-server]=redis-server
    [chromium]=chromium
    [prometheus]=prometheus
    [prometheus-nginx-exporter]=prometheus-nginx-exporter
)
# Debian services we stop from auto-starting, but only when we installed them here.
declare -A SERVICE_FOR=(
    [nginx]=nginx [redis-server]=redis-server [prometheus]=prometheus
    [prometheus-nginx-exporter]=prometheus-nginx-exporter
)

has_command() {
    # nginx lives in /usr/sbin, which ordinary users do not have on PATH.
    command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

missing_commands=()
for cmd in nginx redis-server chromium prometheus prometheus-nginx-exporter; do
    has_command "$cmd" || missing_commands+=("$cmd")
done
missing_packages=()
for cmd in "${missing_commands[@]}"; do
    missing_packages+=("${PACKAGE_FOR[$cmd]}")
done
# Building llama-cpp-python needs a C++ compiler; venv needs ensurepip.
has_command g++ || missing_packages+=(build-essential)
# The integration tests run the real Claude Code CLI, an npm package.
has_command npm || missing_packages+=(npm)
has_command "$PYTHON" || die "$PYTHON not found: install Python 3.11 (apt-get install python3.11)"
"$PYTHON" -c 'import ensurepip' >/dev/null 2>&1 || missing_packages+=(python3.11-venv)

disable_service() {
    local service=$1
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        systemctl disable --now "$service" >/dev/null 2>&1 || true
    elif command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d "$service" disable >/dev/null 2>&1 || true
        service "$service" stop >/dev/null 2>&1 || true
    fi
}

if [ ${#missing_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        die "missing: ${missing_packages[*]}. Install them as root: sudo apt-get install ${missing_packages[*]}"
    fi
    say "installing ${missing_packages[*]}"
    # Keep apt from starting the services it installs (they would take 80/6379/9090).
    policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing_packages[@]}"
    for cmd in "${missing_commands[@]}"; do
        if [ -n "${SERVICE_FOR[$cmd]:-}" ]; then
            disable_service "${SERVICE_FOR[$cmd]}"
        fi
    done
fi

# --- 2. the Claude Code CLI the tests run -------------------------------------------
CLI_DIR="$ROOT/tests/claude_cli"
cli_version=$(sed -n 's/.*"@anthropic-ai\/claude-code": "\(.*\)".*/\1/p' "$CLI_DIR/package.json")
installed_cli_version() { "$CLI_DIR/node_modules/.bin/claude" --version 2>/dev/null | cut -d' ' -f1; }
if [ "$(installed_cli_version)" != "$cli_version" ]; then
    say "installing the Claude Code CLI $cli_version for the tests (npm ci)"
    (cd "$CLI_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    [ "$(installed_cli_version)" = "$cli_version" ] ||
        die "the Claude Code CLI $cli_version did not install in $CLI_DIR"
fi

# --- 3. virtualenv and project -------------------------------------------------------
mkdir -p "$STATE_DIR"
wanted=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
venv_complete() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - <<'EOF'
import importlib.util, sys
needed = ("granian", "falcon", "redis", "pytest", "ruff", "llama_cpp", "relay", "app")
sys.exit(0 if all(importlib.util.find_spec(name) for name in needed) else 1)
EOF
}
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ] && venv_complete; then
    say "up to date"
    exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
say "installing the project (dev extra)"
"$VENV/bin/pip" install -q --disable-pip-version-check -e '.[dev]'
say "installing the local model extra (llama-cpp-python builds once; minutes the first time)"
CMAKE_ARGS="-DGGML_NATIVE=OFF" "$VENV/bin/pip" install -q --disable-pip-version-check -e '.[local]'
echo "$wanted" >"$STAMP"
say "done"
