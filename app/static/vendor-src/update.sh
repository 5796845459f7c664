#!/usr/bin/env bash
# Rebuild ../assets/vendor.js and ../assets/vendor.css from the pinned npm packages.
# node_modules lives in a temporary folder so nothing under app/static/ but the
# outputs changes (proxy/build_static.py copies app/static/ into state/www/).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$work/"
[[ -f "$here/package-lock.json" ]] && cp "$here/package-lock.json" "$work/"
if [[ -f "$work/package-lock.json" ]]; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
else
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" "$here/"
fi
NODE_PATH="$work/node_modules" node "$here/build.mjs" "$work/node_modules" "$here/../assets"
# axe-core is for the accessibility tests only: it goes next to them, never to the page.
mkdir -p "$here/../../../tests/browser/vendor"
cp "$work/node_modules/axe-core/axe.min.js" "$here/../../../tests/browser/vendor/axe.min.js"
