#!/usr/bin/env bash
# Serving load benchmark: the bare ASP.NET Core ceiling, then `warden serve` with auth on and the prediction log on with
# acknowledged durability (the default: each answer waits for its record's commit), on with async durability, and off —
# same machine, same wrk settings, one run, one summary table at the end. Needs `wrk` (apt-get install wrk).
# Settings: CONNECTIONS (32), DURATION (20s), THREADS (2); TARGETS picks rows (default: all four, in this order);
# WARDEN_ARGS adds `warden serve` arguments to every Warden row, e.g. WARDEN_ARGS="--Warden:PredictionLog:CommitIntervalMs 0".
# WARMUP (5s) is the load before each measured row; tiered JIT compilation of `warden serve` goes on for 10-20 s of load
# on a busy 2-core machine and is counted in a row measured before it ends (WARMUP=30s measures the steady state).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-5s}
TARGETS=${TARGETS:-ceiling acknowledged async off}
WARDEN_ARGS=${WARDEN_ARGS:-}
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
dotnet build -c Release bench/Warden.Bench -v q -nologo >/dev/null
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden=src/Warden.Cli/bin/Release/net10.0/warden.dll  # the README's main job: warden serve
bench=bench/Warden.Bench/bin/Release/net10.0/Warden.Bench.dll
results=$(mktemp)
trap 'rm -f "$results"' EXIT

wait_ready() { for _ in $(seq 1 300); do curl $2 -s -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "not ready: $1" >&2; return 1; }
measure() { # name url
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/load/infer.lua "$2" >/dev/null  # warm-up
  local line
  line="$1 $(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/load/infer.lua "$2" | grep RESULT)"
  echo "$line"; echo "$line" >>"$results"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; wrk -t$THREADS -c$CONNECTIONS -d$DURATION after -d$WARMUP"
for target in $TARGETS; do
  case $target in
    ceiling)
      dotnet "$bench" ceiling --urls http://127.0.0.1:9101 & pid=$!
      wait_ready http://127.0.0.1:9101/ ""  # any answer: the ceiling has no health route
      measure ceiling http://127.0.0.1:9101/v2/models/credit-risk/infer
      kill $pid; wait $pid 2>/dev/null || true
      continue ;;
    acknowledged|async) args=(--Warden:PredictionLog:Enabled true --Warden:PredictionLog:Durability "$target") ;;
    off) args=(--Warden:PredictionLog:Enabled false) ;;
    *) echo "unknown target '$target' (ceiling, acknowledged, async, off)" >&2; exit 2 ;;
  esac
  dir=$(mktemp -d)
  # shellcheck disable=SC2086
  WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$warden" serve --urls http://127.0.0.1:9102 --data-dir "$dir" \
    "${args[@]}" --Logging:LogLevel:Default Warning $WARDEN_ARGS & pid=$!
  wait_ready http://127.0.0.1:9102/v2/health/ready -f
  measure "warden(log=$target)" http://127.0.0.1:9102/v2/models/credit-risk/infer
  kill $pid; wait $pid 2>/dev/null || true; rm -rf "$dir"
done

# Summary: req/s, p50, p99, and each row against the ceiling and against Warden with the log off.
python3 - "$results" <<'PY'
import re, sys
rows = []
for line in open(sys.argv[1]):
    name, rest = line.split(" ", 1)
    m = dict(re.findall(r"(\w+)=([\d.]+)", rest))
    rows.append((name, float(m["rps"]), float(m["p50_ms"]), float(m["p99_ms"]), int(m["errors"]) + int(m["non2xx"])))
ceiling = next((r for r in rows if r[0] == "ceiling"), None)
off = next((r for r in rows if r[0] == "warden(log=off)"), None)
print()
print(f"| {'target':<28} | {'req/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | {'vs ceiling req/s':>16} | {'p99 / ceiling p99':>17} | {'log cost':>8} | errors |")
print(f"|{'-'*30}|{'-'*10}:|{'-'*8}:|{'-'*8}:|{'-'*17}:|{'-'*18}:|{'-'*9}:|-------:|")
for name, rps, p50, p99, errors in rows:
    vs = f"{rps / ceiling[1]:.2f}" if ceiling and name != "ceiling" else "-"
    tail = f"{p99 / ceiling[3]:.1f}x" if ceiling and name != "ceiling" else "-"
    cost = f"{100 * (1 - rps / off[1]):.0f} %" if off and name.startswith("warden(log=") and name != "warden(log=off)" else "-"
    print(f"| {name:<28} | {rps:>9,.0f} | {p50:>7.2f} | {p99:>7.2f} | {vs:>16} | {tail:>17} | {cost:>8} | {errors:>6} |")
PY
