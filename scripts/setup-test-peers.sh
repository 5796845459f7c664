#!/usr/bin/env bash
# Test-only peers, each in its own venv under state/peers/ (never the product's deps):
#
#   llama-server: llama-cpp-python's OpenAI-compatible server (its [server] extra), the
#   real upstream the OpenAI-compatible backend's integration test talks to. Same
#   llama-cpp-python version as the product's local extra (pyproject.toml), so pip's
#   wheel cache (filled by scripts/setup.sh) makes this a quick install, not a build.
#
# Idempotent: does nothing when the peer already imports. `make test` runs it; the
# test fixture (tests/support/llama_server.py) runs it too when the venv is missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PEERS="$(pwd)/state/peers"
PYTHON="${PYTHON:-python3.11}"
VENV="$PEERS/llama-server"

say() { echo "peers   | $*"; }

# The pin lives in pyproject.toml's `local` extra; read it there (one place for it).
version=$(sed -n 's/^ *"llama-cpp-python==\([^"]*\)",*$/\1/p' pyproject.toml | head -1)
[ -n "$version" ] || { echo "peers   | error: no llama-cpp-python pin in pyproject.toml" >&2; exit 1; }

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - "$version" <<'PY'
import importlib.metadata, sys
import llama_cpp.server, uvicorn  # noqa: F401
sys.exit(0 if importlib.metadata.version("llama_cpp_python") == sys.argv[1] else 1)
PY
then
    say "llama-server $version up to date"
    exit 0
fi
say "installing llama-cpp-python[server]==$version into $VENV"
mkdir -p "$PEERS"
"$PYTHON" -m venv "$VENV"
CMAKE_ARGS="-DGGML_NATIVE=OFF" "$VENV/bin/pip" install -q --disable-pip-version-check \
    "llama-cpp-python[server]==$version"
say "done"
