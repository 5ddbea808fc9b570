#!/usr/bin/env bash
# Validates deploy/kubernetes/*.yaml offline (no cluster): installs the pinned validator packages into a temporary
# directory from the npm registry, then runs validate.mjs. Idempotent; needs node and npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/validate.mjs" "$work/"
(cd "$work" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
node "$work/validate.mjs" "$here/.."
