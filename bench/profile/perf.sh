#!/usr/bin/env bash
# Native-and-managed CPU profile of `warden serve` under the serving load, with exact per-request figures: starts the
# build in APP (default: a fresh Release build of src/Warden.Cli) with DOTNET_PerfMapEnabled=1, warms it up with wrk
# (bench/load/infer.lua), then runs `perf record -F 499 -g` beside a measured wrk run and prints req/s, the server's
# CPU-seconds per request (/proc/PID/stat), managed bytes allocated per request (/metrics:
# dotnet_gc_heap_total_allocated_bytes_total over the infer route's request count) and the top frames
# (bench/profile/perf-frames.py). Extra arguments go to `warden serve`, e.g.
#   bash bench/profile/perf.sh --Warden:PredictionLog:Enabled=false
# Settings: APP, WARMUP (30, seconds), DURATION (10), CONNECTIONS (32), PORT (9143), TOP (40), OUT (directory kept
# with perf.data and the folded dump; a temporary one by default), ENVS (extra environment, e.g.
# "DOTNET_TieredCompilation=0"). Needs perf with permission to profile the server (perf_event_paranoid <= 1 or root).
set -euo pipefail
cd "$(dirname "$0")/../.."
WARMUP=${WARMUP:-30}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-9143}
TOP=${TOP:-40}
OUT=${OUT:-$(mktemp -d)}
ENVS=${ENVS:-}
mkdir -p "$OUT"
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
if [[ -z ${APP:-} ]]; then
  dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
  APP=src/Warden.Cli/bin/Release/net10.0
fi
url=http://127.0.0.1:$PORT/v2/models/credit-risk/infer
data=$(mktemp -d)
# shellcheck disable=SC2086
env $ENVS DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$APP/warden.dll" serve \
  --urls "http://127.0.0.1:$PORT" --data-dir "$data" --Logging:LogLevel:Default Warning "$@" >/dev/null 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/v2/health/ready" && break; sleep 0.1; done
wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s bench/load/infer.lua "$url" >/dev/null

counters() { # allocated bytes, infer requests
  curl -fs -H "Authorization: Bearer $WARDEN_API_KEY" "http://127.0.0.1:$PORT/metrics" | awk '
    /^dotnet_gc_heap_total_allocated_bytes_total/ { a = $NF }
    /^http_server_request_duration_seconds_count/ && /infer"/ { r += $NF }
    END { printf "%.0f %.0f\n", a, r }'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
read -r alloc0 req0 < <(counters)
cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
perf record -F 499 -g -p "$pid" -o "$OUT/perf.data" -- sleep "$DURATION" >/dev/null 2>&1 & perf=$!
result=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/load/infer.lua "$url" | grep RESULT)
cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
read -r alloc1 req1 < <(counters)
wait $perf || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$result"
requests=$((req1 - req0))
python3 -c "import sys; c, a, n = map(float, sys.argv[1:]); print(f'requests {n:.0f}; CPU per request {c / 100 / n * 1e6:.1f} us (user+system, perf included); allocated per request {a / n:,.0f} B')" \
  "$((cpu1 - cpu0))" "$((alloc1 - alloc0))" "$requests"
perf script --no-inline -F comm,tid,period,ip,sym,dso -i "$OUT/perf.data" 2>/dev/null >"$OUT/perf.txt"
python3 bench/profile/perf-frames.py "$TOP" <"$OUT/perf.txt"
echo "perf data and dump: $OUT"
