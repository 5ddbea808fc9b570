#!/usr/bin/env bash
# Lints docs/openapi.json (the document the server generates; see AGENTS.md) with a pinned Redocly CLI.
# Rules: redocly.yaml (recommended set); accepted findings with their reasons: .redocly.lint-ignore.yaml.
# Fails on any error; warnings are printed for review.
set -euo pipefail
cd "$(dirname "$0")/.."
npx --yes @redocly/cli@2.77.0 lint docs/openapi.json --max-problems 1000
