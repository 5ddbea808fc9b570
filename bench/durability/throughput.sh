#!/usr/bin/env bash
# Throughput and latency of Warden:PredictionLog:Durability=acknowledged versus async: same machine, same wrk settings
# (bench/load/infer.lua, a stock V2 credit-risk request), one short run each after a warm-up. Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
PORT=${PORT:-9132}
EXTRA_ARGS=${EXTRA_ARGS:-}
MODES=${MODES:-acknowledged async}
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden=src/Warden.Cli/bin/Release/net10.0/warden.dll
url=http://127.0.0.1:$PORT
for durability in $MODES; do
  dir=$(mktemp -d)
  # shellcheck disable=SC2086
  WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$warden" serve --urls "$url" --data-dir "$dir" --demo \
    --Warden:PredictionLog:Durability "$durability" --Logging:LogLevel:Default Warning $EXTRA_ARGS & pid=$!
  for _ in $(seq 1 600); do curl -fs "$url/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/load/infer.lua "$url/v2/models/credit-risk/infer" >/dev/null  # warm-up
  echo "$durability $(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/load/infer.lua "$url/v2/models/credit-risk/infer" | grep RESULT)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$dir"
done
