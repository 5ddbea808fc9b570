#!/usr/bin/env bash
# Profiles `warden serve` (Release) under the serving load: wrk drives bench/load/infer.lua while dotnet-counters records
# the runtime counters and dotnet-trace samples thread stacks; prints requests/s, CPU time and bytes allocated per
# request, the GC pause share, and the top frames of the profile. Needs wrk, dotnet-counters and dotnet-trace
# (`dotnet tool install --global dotnet-counters`, `... dotnet-trace`).
# Settings: CONNECTIONS (32), DURATION (20, seconds), OUT (directory for the trace and counters; a temporary one by
# default). Extra arguments go to `warden serve`, e.g. `bash bench/profile/profile.sh --Warden:PredictionLog:Durability async`.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20}
OUT=${OUT:-$(mktemp -d)}
PORT=${PORT:-9141}
tools=${DOTNET_TOOLS:-$HOME/.dotnet/tools}
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
url=http://127.0.0.1:$PORT/v2/models/credit-risk/infer
dir=$(mktemp -d)
WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet src/Warden.Cli/bin/Release/net10.0/warden.dll serve --urls "http://127.0.0.1:$PORT" \
  --data-dir "$dir" --Logging:LogLevel:Default Warning "$@" & pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
wrk -t2 -c"$CONNECTIONS" -d5s -s bench/load/infer.lua "$url" >/dev/null  # warm-up (JIT, tiering)

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$tools/dotnet-counters" collect -p $pid --refresh-interval 1 --format csv -o "$OUT/counters.csv" \
  --counters System.Runtime --duration "00:00:$(printf %02d "$DURATION")" >/dev/null 2>&1 & counters=$!
"$tools/dotnet-trace" collect -p $pid --profile dotnet-sampled-thread-time --format Speedscope \
  --duration "00:00:00:$(printf %02d "$DURATION")" -o "$OUT/trace.nettrace" >/dev/null 2>&1 & trace=$!
sleep 1
cpu0=$(awk '{print $14 + $15}' /proc/$pid/stat)
result=$(wrk -t2 -c"$CONNECTIONS" -d"$((DURATION - 2))s" --latency -s bench/load/infer.lua "$url" | grep RESULT)
cpu1=$(awk '{print $14 + $15}' /proc/$pid/stat)
wait $counters $trace || true
echo "$result"
python3 - "$result" "$cpu0" "$cpu1" "$((DURATION - 2))" "$OUT/counters.csv" <<'PY'
import csv, re, sys
result, cpu0, cpu1, seconds, path = sys.argv[1:]
rps = float(re.search(r"rps=([\d.]+)", result).group(1))
requests = rps * float(seconds)
allocated = pause = 0.0
samples = 0
for row in csv.reader(open(path)):
    if len(row) < 5:
        continue
    try:
        value = float(row[4])
    except ValueError:
        continue
    if row[2].startswith("dotnet.gc.heap.total_allocated"):
        allocated += value
        samples += 1
    elif row[2].startswith("dotnet.gc.pause.time"):
        pause += value
# The counters cover about the wrk run; bytes per request use the counters' own span.
print(f"CPU per request: {(int(cpu1) - int(cpu0)) / 100 / requests * 1e6:.0f} us (process user+system, server only)")
print(f"allocated per request: {allocated / max(samples, 1) / rps / 1024:.1f} KB; GC pause share: {100 * pause / max(samples, 1):.1f} %")
PY
python3 bench/profile/top-frames.py "$OUT/trace.speedscope.json" 25
echo "trace and counters: $OUT"
