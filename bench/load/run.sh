#!/usr/bin/env bash
# Serving load benchmark: the bare ASP.NET Core ceiling, then Warden with auth and prediction logging on, then with
# logging off — same machine, same wrk settings, one run. Needs `wrk` (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
dotnet build -c Release bench/Warden.Bench -v q -nologo >/dev/null
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden=src/Warden.Cli/bin/Release/net10.0/warden.dll  # the README's main job: warden serve
bench=bench/Warden.Bench/bin/Release/net10.0/Warden.Bench.dll

wait_ready() { for _ in $(seq 1 200); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "not ready: $1" >&2; return 1; }
measure() { # name url
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/load/infer.lua "$2" >/dev/null  # warm-up
  echo "$1 $(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/load/infer.lua "$2" | grep RESULT)"
}

dotnet "$bench" ceiling --urls http://127.0.0.1:9101 & pid=$!
sleep 2; measure ceiling http://127.0.0.1:9101/v2/models/credit-risk/infer; kill $pid; wait $pid 2>/dev/null || true

for log in true false; do
  dir=$(mktemp -d)
  WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$warden" serve --urls http://127.0.0.1:9102 --data-dir "$dir" \
    --Warden:PredictionLog:Enabled $log --Logging:LogLevel:Default Warning & pid=$!
  wait_ready http://127.0.0.1:9102/v2/health/ready
  measure "warden(log=$log)" http://127.0.0.1:9102/v2/models/credit-risk/infer
  kill $pid; wait $pid 2>/dev/null || true; rm -rf "$dir"
done
