#!/usr/bin/env bash
# A/B of `warden serve` builds or settings, interleaved in one run so that a shared machine's load falls on every variant
# alike: each round starts each variant in turn, warms it up, drives it with wrk (bench/load/infer.lua) and prints req/s,
# p50, p99 and the server's CPU time per request (user+system from /proc, which moves less with the load than req/s).
#
#   bash bench/load/ab.sh VARIANT... [-- warden serve arguments for every variant]
#
# A variant is DIR[:ENV=VALUE,ENV=VALUE][+--Section:Key=value+...]: DIR holds a built warden.dll (e.g. a copy of
# src/Warden.Cli/bin/Release/net10.0 taken before a change), then environment variables and serve arguments of its own.
# Examples:
#   cp -r src/Warden.Cli/bin/Release/net10.0 /tmp/before   # ... change, rebuild ...
#   bash bench/load/ab.sh /tmp/before src/Warden.Cli/bin/Release/net10.0 -- --Warden:PredictionLog:Enabled=false
#   bash bench/load/ab.sh "$app" "$app:DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70"
#   bash bench/load/ab.sh "$app" "$app+--Warden:PredictionLog:CommitIntervalMs=0"
# Settings: ROUNDS (3), DURATION (8, seconds), WARMUP (3, seconds of load before measuring; tiered JIT compilation
# of a build still runs for 10-20 s under load on a busy machine and counts in cpu/request until it is done),
# CONNECTIONS (32), PORT (9102). Each result line also gives, from /metrics read before and after the measured run, the
# managed bytes allocated per request and, with the log on, its commits (count, mean, slowest bucket), the WAL's group
# syncs (pipelined) and checkpoints: what a run's tail can be laid at.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-9102}
variants=()
while [[ $# -gt 0 && $1 != -- ]]; do variants+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
[[ ${#variants[@]} -gt 0 ]] || { echo "usage: ab.sh VARIANT... [-- serve arguments]" >&2; exit 2; }
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
url=http://127.0.0.1:$PORT/v2/models/credit-risk/infer
echo "$(nproc) cores; wrk -t2 -c$CONNECTIONS -d${DURATION}s after a ${WARMUP} s warm-up; $ROUNDS rounds"
for round in $(seq 1 "$ROUNDS"); do
  for variant in "${variants[@]}"; do
    spec=${variant%%+*}; extra=""; [[ $variant == *+* ]] && extra=${variant#*+}
    app=${spec%%:*}; envs=""; [[ $spec == *:* ]] && envs=${spec#*:}
    data=$(mktemp -d)
    # shellcheck disable=SC2086
    env ${envs//,/ } WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$app/warden.dll" serve --urls "http://127.0.0.1:$PORT" \
      --data-dir "$data" --Logging:LogLevel:Default Warning "$@" ${extra//+/ } >/dev/null 2>&1 & pid=$!
    for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/v2/health/ready" && break; sleep 0.1; done
    wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s bench/load/infer.lua "$url" >/dev/null
    load=$(cut -d' ' -f1 /proc/loadavg)
    metrics0=$(curl -fs -H "Authorization: Bearer $WARDEN_API_KEY" "http://127.0.0.1:$PORT/metrics")
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    result=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/load/infer.lua "$url" | grep RESULT)
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    metrics1=$(curl -fs -H "Authorization: Bearer $WARDEN_API_KEY" "http://127.0.0.1:$PORT/metrics")
    kill "$pid"; wait "$pid" 2>/dev/null; rm -rf "$data"
    python3 - "$variant" "$round" "$load" "$result" "$cpu0" "$cpu1" "$DURATION" "$metrics0" "$metrics1" <<'PY'
import re, sys
variant, round_, load, result, cpu0, cpu1, seconds, metrics0, metrics1 = sys.argv[1:]
m = dict(re.findall(r"(\w+)=([\d.]+)", result))
rps = float(m["rps"])
cpu = (int(cpu1) - int(cpu0)) / 100 / max(rps * float(seconds), 1) * 1e6

def parse(text):
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            try:
                values[key] = float(value)
            except ValueError:
                pass
    return values

before, after = parse(metrics0), parse(metrics1)
def delta(pattern):
    return sum(v - before.get(k, 0) for k, v in after.items() if re.search(pattern, k))

def histogram(name, label=""):
    count = delta(rf"^{name}_count\{{[^}}]*{label}")
    if not count:
        return ""
    mean = delta(rf"^{name}_sum\{{[^}}]*{label}") / count * 1e3
    # The smallest bucket bound holding every observation of the run: an upper bound on its slowest one.
    bounds = sorted((float(b), delta(rf"^{name}_bucket\{{[^}}]*{label}[^}}]*le=\"{re.escape(b)}\"")) for b in
                    {re.search(r'le="([^"]+)"', k).group(1) for k in after if k.startswith(name + "_bucket") and label in k and 'le="+Inf"' not in k})
    slowest = next((b for b, c in bounds if c >= count), float("inf"))
    return f" {count:.0f}x mean {mean:.2f} ms max<={slowest * 1e3:g} ms"

requests = delta(r'^http_server_request_duration_seconds_count\{.*http_route="/v2/models/\{model\}/infer"')
allocated = delta(r"^dotnet_gc_heap_total_allocated_bytes_total")
extra = f"  alloc/request {allocated / requests / 1024:5.1f} KB" if requests else ""
for label, name, tag in (("commits", "warden_prediction_log_commit_duration_seconds", ""),
                         ("syncs", "warden_prediction_log_sync_duration_seconds", ""),
                         ("passive", "warden_storage_checkpoint_duration_seconds", 'warden_checkpoint_mode="passive"'),
                         ("restart", "warden_storage_checkpoint_duration_seconds", 'warden_checkpoint_mode="restart"')):
    if part := histogram(name, tag):
        extra += f"  {label}{part}"
print(f"{variant:<60} round {round_} load {load:>6}  {rps:>8,.0f} req/s  p50 {float(m['p50_ms']):6.2f} ms  "
      f"p99 {float(m['p99_ms']):7.2f} ms  cpu/request {cpu:5.0f} us  errors {int(m['errors']) + int(m['non2xx'])}{extra}")
PY
  done
done
